-- Hours retention is about to empty without the rollup trigger (a sweep or a rewrite of a day's
-- partitions), written and committed before the first row goes, removed by the same statement that
-- forgets their rollups once the day is done. A run stopped in between leaves them here. The next run
-- counts those hours again from the events left in them (logbook_retention_recount_hours), whatever the
-- tenant's retention has become meanwhile: on legal hold, or keeping longer, its hours are no longer
-- past a cutoff and would otherwise keep counting events that are gone. Worker-only: no tenant reads it.
CREATE TABLE retention_pending_hours (
  tenant_id  text        NOT NULL,
  kind       text        NOT NULL,
  lo         timestamptz NOT NULL,
  hi         timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, kind, lo, hi)
);

-- Counts whole hours [lo, hi) of a tenant's kind again from the events they hold now, one range per
-- array position: their compacted and pending counts are replaced by one delta per group of the events
-- left (grouped as logbook_rollups_insert groups new rows), their user sketches are rebuilt from those
-- events by the next compaction, and the ranges leave retention_pending_hours. One statement, so one
-- snapshot: an event written into those hours meanwhile is either counted here with its own delta
-- removed, or not seen here with its delta kept. Under the compaction's advisory lock (no fold in
-- between). Returns the number of events counted.
CREATE FUNCTION logbook_retention_recount_hours(p_tenants text[], p_kinds text[], p_from timestamptz[], p_to timestamptz[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  counted bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7150002);
  WITH x AS MATERIALIZED (
    SELECT * FROM unnest(p_tenants, p_kinds, p_from, p_to) AS x(tenant_id, kind, lo, hi)
  ), old_rollups AS (
    DELETE FROM event_rollups r USING x
    WHERE r.tenant_id = x.tenant_id AND r.kind = x.kind AND r.hour >= x.lo AND r.hour < x.hi
  ), old_totals AS (
    DELETE FROM event_rollup_totals r USING x
    WHERE r.tenant_id = x.tenant_id AND r.kind = x.kind AND r.hour >= x.lo AND r.hour < x.hi
  ), old_deltas AS (
    DELETE FROM event_rollup_deltas d USING x
    WHERE d.tenant_id = x.tenant_id AND d.kind = x.kind AND d.hour >= x.lo AND d.hour < x.hi
  ), old_sketches AS (
    DELETE FROM event_user_sketches s USING x
    WHERE s.tenant_id = x.tenant_id AND s.kind = x.kind AND s.hour >= x.lo AND s.hour < x.hi
    RETURNING s.tenant_id, s.hour
  ), old_sketch_deltas AS (
    DELETE FROM event_user_sketch_deltas d USING x
    WHERE d.tenant_id = x.tenant_id AND d.kind = x.kind AND d.hour >= x.lo AND d.hour < x.hi
    RETURNING d.tenant_id, d.hour
  ), left_rows AS MATERIALIZED (
    -- Each range through the index, in its own day's partition only (a lateral scan is pruned at run
    -- time; a semi join read every partition whole); each event once, even under two overlapping
    -- ranges; only the columns counted.
    SELECT DISTINCT ON (e.tenant_id, e.occurred_at, e.id)
           e.tenant_id, e.occurred_at, e.kind, e.type, e.status, e.model, e.agent, e.source, e.platform,
           e.protocol, e.product_area, e.tier, e.response_type, e.intent, e.sentiment, e.is_error,
           e.input_tokens, e.output_tokens
    FROM x CROSS JOIN LATERAL (
      SELECT * FROM events e
      WHERE e.tenant_id = x.tenant_id AND e.kind = x.kind AND e.occurred_at >= x.lo AND e.occurred_at < x.hi) e
  ), recounted AS (
    INSERT INTO event_rollup_deltas
    SELECT tenant_id, logbook_hour(occurred_at), kind, type, status, model, agent, source, platform, protocol,
           product_area, tier, response_type, intent, sentiment, is_error, count(*),
           coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
           count(*) FILTER (WHERE is_error IS TRUE OR status = 'failure')
    FROM left_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
  ), rebuilds AS (
    INSERT INTO event_sketch_rebuilds
    SELECT DISTINCT tenant_id, hour FROM (
      TABLE old_sketches UNION ALL TABLE old_sketch_deltas
      UNION ALL SELECT tenant_id, logbook_hour(occurred_at) FROM left_rows) h
  ), done AS (
    DELETE FROM retention_pending_hours p USING x
    WHERE p.tenant_id = x.tenant_id AND p.kind = x.kind AND p.lo = x.lo AND p.hi = x.hi
  )
  SELECT count(*) INTO counted FROM left_rows;
  RETURN counted;
END $$;
