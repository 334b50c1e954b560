-- Retention deletes whole expired hours without the rollup arithmetic per deleted row: it deletes from
-- the day's partition itself (a statement on a partition fires no statement trigger of the parent, so
-- logbook_rollups_delete stays out of it), and once those hours are empty forgets their rollups
-- wholesale here. The partial hour at a cutoff, and any other delete, goes through the parent and its
-- trigger.
-- Forgets the rollups of whole hours [lo, hi) of a tenant's kind (hour-aligned bounds), one range per
-- array position: compacted and pending counts, the kind's user sketches. The all-kinds sketch of an
-- hour that lost a kind's sketch is rebuilt from the events left there by the next compaction. Runs
-- under the compaction's advisory lock (no fold in between); idempotent, so a run that died between
-- its deletes and this call forgets on its next run. Returns the number of rollup rows removed.
CREATE FUNCTION logbook_retention_forget_hours(p_tenants text[], p_kinds text[], p_from timestamptz[], p_to timestamptz[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  removed bigint := 0;
  n bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7150002);
  DELETE FROM event_rollups r USING unnest(p_tenants, p_kinds, p_from, p_to) x(tenant_id, kind, lo, hi)
  WHERE r.tenant_id = x.tenant_id AND r.hour >= x.lo AND r.hour < x.hi AND r.kind = x.kind;
  GET DIAGNOSTICS n = ROW_COUNT;
  removed := removed + n;
  DELETE FROM event_rollup_totals r USING unnest(p_tenants, p_kinds, p_from, p_to) x(tenant_id, kind, lo, hi)
  WHERE r.tenant_id = x.tenant_id AND r.hour >= x.lo AND r.hour < x.hi AND r.kind = x.kind;
  GET DIAGNOSTICS n = ROW_COUNT;
  removed := removed + n;
  DELETE FROM event_rollup_deltas d USING unnest(p_tenants, p_kinds, p_from, p_to) x(tenant_id, kind, lo, hi)
  WHERE d.tenant_id = x.tenant_id AND d.hour >= x.lo AND d.hour < x.hi AND d.kind = x.kind;
  GET DIAGNOSTICS n = ROW_COUNT;
  removed := removed + n;
  WITH gone AS (
    DELETE FROM event_user_sketches s USING unnest(p_tenants, p_kinds, p_from, p_to) x(tenant_id, kind, lo, hi)
    WHERE s.tenant_id = x.tenant_id AND s.hour >= x.lo AND s.hour < x.hi AND s.kind = x.kind
    RETURNING s.tenant_id, s.hour
  ), gone_pending AS (
    DELETE FROM event_user_sketch_deltas d USING unnest(p_tenants, p_kinds, p_from, p_to) x(tenant_id, kind, lo, hi)
    WHERE d.tenant_id = x.tenant_id AND d.hour >= x.lo AND d.hour < x.hi AND d.kind = x.kind
    RETURNING d.tenant_id, d.hour
  )
  INSERT INTO event_sketch_rebuilds SELECT DISTINCT tenant_id, hour FROM (TABLE gone UNION ALL TABLE gone_pending) g;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN removed + n;
END $$;
