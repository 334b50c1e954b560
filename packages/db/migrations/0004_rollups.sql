-- Rollups: what filter options and statistics read instead of scanning millions of events.
--
-- Every statement that inserts, updates or deletes events appends deltas here (statement triggers
-- over transition tables, so COPY, ingest and tests all pay the same and nothing is missed): counts
-- and token sums per tenant, UTC hour and the low-cardinality columns the UI facets on, and HyperLogLog
-- registers of the users seen. Appending never conflicts, so concurrent ingest never waits on it. The
-- worker folds the deltas into the compacted tables (logbook_compact_rollups). Readers sum compacted +
-- pending deltas for whole hours and scan events only for the partial hours at the ends of a range:
-- exact counts at any moment, an estimate (±3 %) of distinct users.

CREATE TABLE event_rollups (
  tenant_id     text        NOT NULL,
  hour          timestamptz NOT NULL,
  kind          text        NOT NULL,
  type          text        NOT NULL,
  status        text,
  model         text,
  agent         text,
  source        text,
  platform      text,
  protocol      text,
  product_area  text,
  tier          text,
  response_type text,
  intent        text,
  sentiment     text,
  is_error      boolean,
  events        bigint      NOT NULL,
  input_tokens  bigint      NOT NULL,
  output_tokens bigint      NOT NULL,
  errors        bigint      NOT NULL
);
CREATE UNIQUE INDEX event_rollups_key ON event_rollups (tenant_id, hour, kind, type, status, model, agent, source,
  platform, protocol, product_area, tier, response_type, intent, sentiment, is_error) NULLS NOT DISTINCT;

-- The same counts per hour, kind and model only: what statistics read (a few rows per hour).
CREATE TABLE event_rollup_totals (
  tenant_id     text        NOT NULL,
  hour          timestamptz NOT NULL,
  kind          text        NOT NULL,
  model         text,
  events        bigint      NOT NULL,
  input_tokens  bigint      NOT NULL,
  output_tokens bigint      NOT NULL,
  errors        bigint      NOT NULL
);
CREATE UNIQUE INDEX event_rollup_totals_key ON event_rollup_totals (tenant_id, hour, kind, model) NULLS NOT DISTINCT;

CREATE TABLE event_rollup_deltas (LIKE event_rollups);
CREATE INDEX event_rollup_deltas_tenant_hour ON event_rollup_deltas (tenant_id, hour);

-- Distinct users (actor id, else actor email) per tenant, hour and kind ('*' for all kinds together):
-- HyperLogLog with 1,024 registers, merged by taking the larger register. Deltas carry real kinds only.
CREATE TABLE event_user_sketches (
  tenant_id text        NOT NULL,
  hour      timestamptz NOT NULL,
  kind      text        NOT NULL,
  sketch    bytea       NOT NULL,
  PRIMARY KEY (tenant_id, hour, kind)
);
-- One row per inserting statement, hour and kind: its registers as reg * 64 + rank.
CREATE TABLE event_user_sketch_deltas (
  tenant_id text        NOT NULL,
  hour      timestamptz NOT NULL,
  kind      text        NOT NULL,
  pairs     integer[]   NOT NULL
);
CREATE INDEX event_user_sketch_deltas_tenant_hour ON event_user_sketch_deltas (tenant_id, hour);

-- Hours whose sketches must be rebuilt from events because events were deleted (retention).
CREATE TABLE event_sketch_rebuilds (
  tenant_id text        NOT NULL,
  hour      timestamptz NOT NULL
);

-- Every actor a tenant's events name: a partial actor match is resolved here first, then the events
-- are found through events_tenant_actor_time_idx instead of scanning the period.
CREATE TABLE event_actors (
  tenant_id   text NOT NULL,
  actor_key   text NOT NULL,
  actor_id    text,
  actor_email text,
  actor_name  text
);
CREATE UNIQUE INDEX event_actors_key ON event_actors (tenant_id, actor_id, actor_email, actor_name) NULLS NOT DISTINCT;

-- A stored column rather than an expression index: under row-level security the planner only uses
-- index conditions it knows to be leakproof, and a COALESCE expression does not qualify.
ALTER TABLE events ADD COLUMN actor_key text GENERATED ALWAYS AS (coalesce(actor_id, actor_email, actor_name)) STORED;
CREATE INDEX events_tenant_actor_time_idx ON events (tenant_id, actor_key, occurred_at DESC, id DESC);

-- The immutability guard runs before generated columns are computed: leave actor_key out of its
-- comparison (it follows the actor columns, which the guard does compare).
CREATE OR REPLACE FUNCTION logbook_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('logbook.retention', true) = 'on' THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events are immutable: DELETE is allowed only by retention'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (to_jsonb(NEW) - ARRAY['intent', 'response_type', 'sentiment', 'labels', 'actor_key'])
     IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['intent', 'response_type', 'sentiment', 'labels', 'actor_key']) THEN
    RAISE EXCEPTION 'events are immutable: only intent, response_type, sentiment and labels may be updated'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- The hour an instant falls in, in UTC whatever the session's time zone.
CREATE FUNCTION logbook_hour(t timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_bin('1 hour', t, '2000-01-01 00:00:00+00');

-- HyperLogLog register index (low 10 bits of the hash) and rank (1 + trailing zeros of the next 53).
CREATE FUNCTION logbook_hll_reg(h bigint) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (h & 1023)::smallint;
CREATE FUNCTION logbook_hll_rank(h bigint) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN ((h >> 10) & 9007199254740991) = 0 THEN 54
    ELSE (round(ln(((h >> 10) & 9007199254740991 & -((h >> 10) & 9007199254740991))::float8) / ln(2)) + 1)::smallint END;

CREATE FUNCTION logbook_rollups_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollup_deltas
  SELECT tenant_id, logbook_hour(occurred_at), kind, type, status, model, agent, source, platform, protocol,
         product_area, tier, response_type, intent, sentiment, is_error, count(*),
         coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
         count(*) FILTER (WHERE is_error IS TRUE OR status = 'failure')
  FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16;

  INSERT INTO event_user_sketch_deltas
  SELECT tenant_id, hour, kind, array_agg(pair)
  FROM (SELECT tenant_id, hour, kind, logbook_hll_reg(h) * 64 + max(logbook_hll_rank(h)) AS pair
        FROM (SELECT tenant_id, logbook_hour(occurred_at) AS hour, kind,
                     hashtextextended(coalesce(actor_id, actor_email), 0) AS h
              FROM new_rows WHERE coalesce(actor_id, actor_email) IS NOT NULL) u
        GROUP BY tenant_id, hour, kind, logbook_hll_reg(h)) r
  GROUP BY 1, 2, 3;

  -- In key order, so two batches naming the same new actors cannot deadlock.
  INSERT INTO event_actors
  SELECT DISTINCT tenant_id, coalesce(actor_id, actor_email, actor_name), actor_id, actor_email, actor_name
  FROM new_rows WHERE coalesce(actor_id, actor_email, actor_name) IS NOT NULL
  ORDER BY 1, 3, 4, 5
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

-- Classification changes intent / response type / sentiment: move the counts to the new values.
CREATE FUNCTION logbook_rollups_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollup_deltas
  SELECT tenant_id, logbook_hour(occurred_at), kind, type, status, model, agent, source, platform, protocol,
         product_area, tier, response_type, intent, sentiment, is_error, sum(sign),
         coalesce(sum(sign * input_tokens), 0), coalesce(sum(sign * output_tokens), 0),
         coalesce(sum(sign) FILTER (WHERE is_error IS TRUE OR status = 'failure'), 0)
  FROM (SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows) changed
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
  HAVING sum(sign) <> 0;
  RETURN NULL;
END $$;

-- Retention deletes events: subtract their counts, and rebuild the hours' user sketches.
CREATE FUNCTION logbook_rollups_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollup_deltas
  SELECT tenant_id, logbook_hour(occurred_at), kind, type, status, model, agent, source, platform, protocol,
         product_area, tier, response_type, intent, sentiment, is_error, -count(*),
         -coalesce(sum(input_tokens), 0), -coalesce(sum(output_tokens), 0),
         -count(*) FILTER (WHERE is_error IS TRUE OR status = 'failure')
  FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16;
  INSERT INTO event_sketch_rebuilds SELECT DISTINCT tenant_id, logbook_hour(occurred_at) FROM old_rows;
  RETURN NULL;
END $$;

CREATE TRIGGER events_rollups_insert AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION logbook_rollups_insert();
CREATE TRIGGER events_rollups_update AFTER UPDATE ON events
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION logbook_rollups_update();
CREATE TRIGGER events_rollups_delete AFTER DELETE ON events
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION logbook_rollups_delete();

-- A sketch is stored sparse: for each register in use, two bytes holding reg * 64 + rank (big-endian,
-- stored as a smallint offset by 32768, so the first byte has its top bit flipped), in register order.
CREATE FUNCTION logbook_hll_pair(reg smallint, rank smallint) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN int2send((reg * 64 + rank - 32768)::smallint);
CREATE FUNCTION logbook_hll_unpack(sketch bytea) RETURNS TABLE (reg smallint, rank smallint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (v >> 6)::smallint, (v & 63)::smallint
  FROM (SELECT ((get_byte(sketch, 2 * i) # 128) << 8) | get_byte(sketch, 2 * i + 1) AS v
        FROM generate_series(0, length(sketch) / 2 - 1) i) pairs
$$;

-- Folds pending deltas into the compacted tables and rebuilds sketches of hours with deleted events.
-- One run at a time (advisory lock); returns the number of delta rows folded, -1 when another runs.
CREATE FUNCTION logbook_compact_rollups() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  folded bigint := 0;
  n bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7150002) THEN
    RETURN -1;
  END IF;

  WITH moved AS (DELETE FROM event_rollup_deltas RETURNING *),
  facets AS (
    INSERT INTO event_rollups
    SELECT tenant_id, hour, kind, type, status, model, agent, source, platform, protocol, product_area, tier,
           response_type, intent, sentiment, is_error, sum(events), sum(input_tokens), sum(output_tokens), sum(errors)
    FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
    ON CONFLICT (tenant_id, hour, kind, type, status, model, agent, source, platform, protocol, product_area, tier,
                 response_type, intent, sentiment, is_error)
    DO UPDATE SET events = event_rollups.events + excluded.events,
                  input_tokens = event_rollups.input_tokens + excluded.input_tokens,
                  output_tokens = event_rollups.output_tokens + excluded.output_tokens,
                  errors = event_rollups.errors + excluded.errors
  ), totals AS (
    INSERT INTO event_rollup_totals
    SELECT tenant_id, hour, kind, model, sum(events), sum(input_tokens), sum(output_tokens), sum(errors)
    FROM moved GROUP BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, hour, kind, model)
    DO UPDATE SET events = event_rollup_totals.events + excluded.events,
                  input_tokens = event_rollup_totals.input_tokens + excluded.input_tokens,
                  output_tokens = event_rollup_totals.output_tokens + excluded.output_tokens,
                  errors = event_rollup_totals.errors + excluded.errors
  )
  SELECT count(*) INTO n FROM moved;
  folded := folded + n;
  DELETE FROM event_rollups WHERE events = 0 AND input_tokens = 0 AND output_tokens = 0;
  DELETE FROM event_rollup_totals WHERE events = 0 AND input_tokens = 0 AND output_tokens = 0;

  WITH taken AS (DELETE FROM event_user_sketch_deltas RETURNING *),
  moved AS (SELECT tenant_id, hour, kind, (pair >> 6)::smallint AS reg, (pair & 63)::smallint AS rank
            FROM taken, unnest(pairs) pair),
  regs AS (
    SELECT tenant_id, hour, kind, reg, rank FROM moved
    UNION ALL
    SELECT tenant_id, hour, '*', reg, rank FROM moved
    UNION ALL
    SELECT s.tenant_id, s.hour, s.kind, u.reg, u.rank
    FROM event_user_sketches s
    JOIN (SELECT DISTINCT tenant_id, hour, kind FROM moved UNION SELECT DISTINCT tenant_id, hour, '*' FROM moved) k
      USING (tenant_id, hour, kind)
    CROSS JOIN LATERAL logbook_hll_unpack(s.sketch) u
  ),
  merged AS (SELECT tenant_id, hour, kind, reg, max(rank) AS rank FROM regs GROUP BY 1, 2, 3, 4)
  INSERT INTO event_user_sketches
  SELECT tenant_id, hour, kind, string_agg(logbook_hll_pair(reg, rank), ''::bytea ORDER BY reg)
  FROM merged GROUP BY 1, 2, 3
  ON CONFLICT (tenant_id, hour, kind) DO UPDATE SET sketch = excluded.sketch;
  GET DIAGNOSTICS n = ROW_COUNT;
  folded := folded + n;

  -- Hours with deleted events: rebuild their sketches from the events left.
  DELETE FROM event_user_sketches s USING (SELECT DISTINCT tenant_id, hour FROM event_sketch_rebuilds) h
  WHERE s.tenant_id = h.tenant_id AND s.hour = h.hour;
  WITH moved AS (DELETE FROM event_sketch_rebuilds RETURNING *),
  hashed AS (
    SELECT e.tenant_id, h.hour, e.kind, e.hk
    FROM (SELECT DISTINCT tenant_id, hour FROM moved) h
    JOIN LATERAL (SELECT tenant_id, kind, hashtextextended(coalesce(actor_id, actor_email), 0) AS hk FROM events
                  WHERE tenant_id = h.tenant_id AND occurred_at >= h.hour AND occurred_at < h.hour + interval '1 hour'
                    AND coalesce(actor_id, actor_email) IS NOT NULL) e ON true
  ),
  regs AS (
    SELECT tenant_id, hour, kind, logbook_hll_reg(hk) AS reg, max(logbook_hll_rank(hk)) AS rank FROM hashed GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT tenant_id, hour, '*', logbook_hll_reg(hk), max(logbook_hll_rank(hk)) FROM hashed GROUP BY 1, 2, 3, 4
  )
  INSERT INTO event_user_sketches
  SELECT tenant_id, hour, kind, string_agg(logbook_hll_pair(reg, rank), ''::bytea ORDER BY reg)
  FROM regs GROUP BY 1, 2, 3
  ON CONFLICT (tenant_id, hour, kind) DO UPDATE SET sketch = excluded.sketch;
  RETURN folded;
END $$;

-- Events stored before this migration.
INSERT INTO event_rollup_deltas
SELECT tenant_id, logbook_hour(occurred_at), kind, type, status, model, agent, source, platform, protocol,
       product_area, tier, response_type, intent, sentiment, is_error, count(*),
       coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
       count(*) FILTER (WHERE is_error IS TRUE OR status = 'failure')
FROM events GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16;
INSERT INTO event_user_sketch_deltas
SELECT tenant_id, hour, kind, array_agg(pair)
FROM (SELECT tenant_id, hour, kind, logbook_hll_reg(h) * 64 + max(logbook_hll_rank(h)) AS pair
      FROM (SELECT tenant_id, logbook_hour(occurred_at) AS hour, kind, hashtextextended(coalesce(actor_id, actor_email), 0) AS h
            FROM events WHERE coalesce(actor_id, actor_email) IS NOT NULL) u
      GROUP BY tenant_id, hour, kind, logbook_hll_reg(h)) r
GROUP BY 1, 2, 3;
INSERT INTO event_actors
SELECT DISTINCT tenant_id, coalesce(actor_id, actor_email, actor_name), actor_id, actor_email, actor_name
FROM events WHERE coalesce(actor_id, actor_email, actor_name) IS NOT NULL
ON CONFLICT DO NOTHING;

-- Tenants read their own rows only (the worker, as owner, compacts across tenants).
ALTER TABLE event_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_rollup_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_rollup_deltas ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_user_sketches ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_user_sketch_deltas ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_sketch_rebuilds ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_actors ENABLE ROW LEVEL SECURITY;
CREATE POLICY event_rollups_tenant ON event_rollups USING (tenant_id = current_setting('logbook.tenant_id', true));
CREATE POLICY event_rollup_totals_tenant ON event_rollup_totals USING (tenant_id = current_setting('logbook.tenant_id', true));
CREATE POLICY event_rollup_deltas_tenant ON event_rollup_deltas USING (tenant_id = current_setting('logbook.tenant_id', true));
CREATE POLICY event_user_sketches_tenant ON event_user_sketches USING (tenant_id = current_setting('logbook.tenant_id', true));
CREATE POLICY event_user_sketch_deltas_tenant ON event_user_sketch_deltas USING (tenant_id = current_setting('logbook.tenant_id', true));
CREATE POLICY event_sketch_rebuilds_tenant ON event_sketch_rebuilds USING (tenant_id = current_setting('logbook.tenant_id', true));
CREATE POLICY event_actors_tenant ON event_actors USING (tenant_id = current_setting('logbook.tenant_id', true));
GRANT SELECT ON event_rollups, event_rollup_totals, event_user_sketches TO logbook_app;
GRANT SELECT, INSERT ON event_rollup_deltas, event_user_sketch_deltas, event_sketch_rebuilds, event_actors TO logbook_app;
