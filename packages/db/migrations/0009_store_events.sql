-- Storing an ingest batch in one round trip. The API called BEGIN, the tenant's settings, the insert
-- and COMMIT as four; under load each round trip waits for a busy CPU, which is where a small request's
-- latency went. Called as a statement of its own (autocommit): the role and tenant it sets are local
-- to that transaction, so the rows are checked by row-level security as logbook_app, exactly as in
-- a tenant transaction. Same statement as before: claim the client ids (in client-id order, so racing
-- batches lock in the same order and never deadlock), store the events whose id was claimed or that
-- have none, and their content. Returns the duplicates: each client id that was already claimed, by an
-- earlier batch or one racing this, with the id of the event stored under it (read by a second
-- statement, whose snapshot sees a racing batch's commit).
-- The column list follows the events table: a migration adding an ingested column updates it here.
CREATE FUNCTION logbook_store_events(p_tenant text, p_events json, p_contents json)
RETURNS TABLE (client_id text, event_id uuid) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_claimed text[];
  v_wanted bigint;
BEGIN
  PERFORM set_config('role', 'logbook_app', true), set_config('logbook.tenant_id', p_tenant, true),
          set_config('jit', 'off', true);
  WITH input AS MATERIALIZED (
    SELECT * FROM json_populate_recordset(NULL::events, p_events)
  ), claimed AS (
    INSERT INTO event_client_ids (tenant_id, client_id, event_id, occurred_at)
    SELECT p_tenant, i.client_id, i.id, i.occurred_at FROM input i WHERE i.client_id IS NOT NULL ORDER BY i.client_id
    ON CONFLICT (tenant_id, client_id) DO NOTHING
    RETURNING event_client_ids.client_id
  ), stored AS (
    INSERT INTO events (tenant_id, received_at,
                        id, occurred_at, kind, type, client_id, status, actor_id, actor_email,
                        actor_name, actor_type, ip, target_type, target_id, target_name,
                        target_version, source, trace_id, duration_ms, session_id, model, agent,
                        platform, protocol, product_area, tier, input_tokens, output_tokens,
                        is_error, tool_calls, occurred_in, element, person_id, interaction_id,
                        conversation_id, has_content, redacted, metadata, intent, response_type,
                        sentiment, labels)
    SELECT p_tenant, now(),
           r.id, r.occurred_at, r.kind, r.type, r.client_id, r.status, r.actor_id, r.actor_email,
           r.actor_name, r.actor_type, r.ip, r.target_type, r.target_id, r.target_name,
           r.target_version, r.source, r.trace_id, r.duration_ms, r.session_id, r.model, r.agent,
           r.platform, r.protocol, r.product_area, r.tier, r.input_tokens, r.output_tokens,
           r.is_error, r.tool_calls, r.occurred_in, r.element, r.person_id, r.interaction_id,
           r.conversation_id, r.has_content, r.redacted, r.metadata, r.intent, r.response_type,
           r.sentiment, r.labels
    FROM input r
    WHERE r.client_id IS NULL OR r.client_id IN (SELECT c.client_id FROM claimed c)
    RETURNING events.id, events.occurred_at
  ), contents AS (
    INSERT INTO event_contents (tenant_id, event_id, occurred_at, question, answer)
    SELECT p_tenant, s.id, s.occurred_at, c.question, c.answer
    FROM stored s JOIN json_to_recordset(p_contents) AS c(id uuid, question text, answer text) ON c.id = s.id
  )
  SELECT coalesce(array_agg(c.client_id), '{}'), (SELECT count(*) FROM input i WHERE i.client_id IS NOT NULL)
  INTO v_claimed, v_wanted FROM claimed c;

  IF cardinality(v_claimed) < v_wanted THEN
    RETURN QUERY
      SELECT k.client_id, k.event_id FROM event_client_ids k
      WHERE k.tenant_id = p_tenant
        AND k.client_id IN (SELECT i.client_id FROM json_populate_recordset(NULL::events, p_events) i
                            WHERE i.client_id IS NOT NULL)
        AND NOT (k.client_id = ANY (v_claimed));
  END IF;
END $$;
GRANT EXECUTE ON FUNCTION logbook_store_events(text, json, json) TO logbook_app;
