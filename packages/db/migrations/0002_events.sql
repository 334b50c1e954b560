-- The event store: one partitioned table for all three kinds, content kept apart.

-- Non-superuser role that tenant-scoped transactions switch to (SET LOCAL ROLE), so row-level
-- security applies even when the connection itself is a superuser.
DO $$
BEGIN
  CREATE ROLE logbook_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

CREATE TABLE events (
  tenant_id        text        NOT NULL,
  id               uuid        NOT NULL,
  occurred_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  kind             text        NOT NULL CHECK (kind IN ('user_activity', 'system', 'interaction')),
  type             text        NOT NULL,
  client_id        text,
  status           text,
  actor_id         text,
  actor_email      text,
  actor_name       text,
  actor_type       text,
  ip               text,
  target_type      text,
  target_id        text,
  target_name      text,
  target_version   text,
  source           text,
  trace_id         text,
  duration_ms      integer,
  -- interaction fields
  session_id       text,
  model            text,
  agent            text,
  platform         text,
  protocol         text,
  product_area     text,
  tier             text,
  input_tokens     integer,
  output_tokens    integer,
  is_error         boolean,
  tool_calls       jsonb,
  occurred_in      text,
  element          text,
  person_id        text,
  interaction_id   text,
  conversation_id  text,
  has_content      boolean     NOT NULL DEFAULT false,
  redacted         boolean     NOT NULL DEFAULT false,
  metadata         jsonb,
  -- derived fields: the only ones an UPDATE may change (classification, feedback)
  intent           text,
  response_type    text,
  sentiment        text,
  labels           jsonb,
  PRIMARY KEY (tenant_id, occurred_at, id)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX events_tenant_kind_time_idx ON events (tenant_id, kind, occurred_at DESC, id DESC);

-- Question, answer and sensitive payload: never read by a listing.
CREATE TABLE event_contents (
  tenant_id   text        NOT NULL,
  event_id    uuid        NOT NULL,
  occurred_at timestamptz NOT NULL,
  question    text,
  answer      text,
  payload     jsonb,
  PRIMARY KEY (tenant_id, occurred_at, event_id)
) PARTITION BY RANGE (occurred_at);

-- Immutability: only derived fields may change; DELETE only inside a retention transaction.
CREATE FUNCTION logbook_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('logbook.retention', true) = 'on' THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events are immutable: DELETE is allowed only by retention'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (to_jsonb(NEW) - ARRAY['intent', 'response_type', 'sentiment', 'labels'])
     IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['intent', 'response_type', 'sentiment', 'labels']) THEN
    RAISE EXCEPTION 'events are immutable: only intent, response_type, sentiment and labels may be updated'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER events_guard BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION logbook_events_guard();

CREATE FUNCTION logbook_contents_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('logbook.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'event content is immutable: % is allowed only by retention', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER event_contents_guard BEFORE UPDATE OR DELETE ON event_contents
  FOR EACH ROW EXECUTE FUNCTION logbook_contents_guard();

CREATE FUNCTION logbook_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are immutable: TRUNCATE is not allowed' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION logbook_no_truncate();
CREATE TRIGGER event_contents_no_truncate BEFORE TRUNCATE ON event_contents
  FOR EACH STATEMENT EXECUTE FUNCTION logbook_no_truncate();

-- Daily partitions (UTC days), created ahead by the worker and on demand for back-dated events.
CREATE FUNCTION logbook_ensure_partitions(p_from date, p_to date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  d date := p_from;
  created integer := 0;
  suffix text;
BEGIN
  WHILE d <= p_to LOOP
    suffix := to_char(d, 'YYYYMMDD');
    IF to_regclass('events_p' || suffix) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
          'events_p' || suffix, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
        created := created + 1;
      EXCEPTION WHEN duplicate_table THEN NULL;
      END;
    END IF;
    IF to_regclass('event_contents_p' || suffix) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF event_contents FOR VALUES FROM (%L) TO (%L)',
          'event_contents_p' || suffix, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
      EXCEPTION WHEN duplicate_table THEN NULL;
      END;
    END IF;
    d := d + 1;
  END LOOP;
  RETURN created;
END $$;

-- Row-level security: the second wall behind the query filters.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_tenant ON events
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));

ALTER TABLE event_contents ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_contents FORCE ROW LEVEL SECURITY;
CREATE POLICY event_contents_tenant ON event_contents
  USING (tenant_id = current_setting('logbook.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('logbook.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON events, event_contents TO logbook_app;
