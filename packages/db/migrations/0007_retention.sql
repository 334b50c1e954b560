-- Retention: plans with a retention per kind of log, per-tenant plan assignment (tenant_settings.plan),
-- overrides and legal hold; what the worker's retention job needs to drop partitions safely.

-- Plans are platform-wide (not tenant rows). Seeded from packages/shared/src/plans.ts (a test keeps the
-- two equal); operators edit the retention columns. Content (questions, answers) is kept at most as
-- long as the interactions themselves: it is removed first, the event row stays until its own cutoff.
CREATE TABLE plans (
  id                       text        PRIMARY KEY,
  name                     text        NOT NULL,
  position                 smallint    NOT NULL,
  user_activity_days       integer     NOT NULL,
  system_days              integer     NOT NULL,
  interaction_days         integer     NOT NULL,
  interaction_content_days integer     NOT NULL,
  export_file_days         integer     NOT NULL,
  api_requests_per_second  integer     NOT NULL,
  updated_at               timestamptz NOT NULL DEFAULT now(),
  updated_by               text,
  CONSTRAINT plans_retention_at_least_a_day CHECK (
    user_activity_days >= 1 AND system_days >= 1 AND interaction_days >= 1 AND interaction_content_days >= 1
    AND export_file_days >= 1),
  CONSTRAINT plans_content_within_interactions CHECK (interaction_content_days <= interaction_days)
);

INSERT INTO plans (id, name, position, user_activity_days, system_days, interaction_days, interaction_content_days,
                   export_file_days, api_requests_per_second) VALUES
  ('free',       'Free',       1,  30,  14,  14,   7,  7,   10),
  ('team',       'Team',       2,  90,  30,  60,  30, 14,   50),
  ('business',   'Business',   3, 365,  90, 180,  90, 30,  200),
  ('enterprise', 'Enterprise', 4, 730, 365, 365, 365, 90, 1000);

UPDATE tenant_settings SET plan = 'free' WHERE plan NOT IN (SELECT id FROM plans);
ALTER TABLE tenant_settings ADD CONSTRAINT tenant_settings_plan_fkey FOREIGN KEY (plan) REFERENCES plans (id);

-- Per tenant: an override of any of the plan's values (NULL = the plan's), and legal hold (nothing of
-- the tenant is deleted while it lasts).
CREATE TABLE tenant_retention (
  tenant_id                text        PRIMARY KEY,
  user_activity_days       integer     CHECK (user_activity_days >= 1),
  system_days              integer     CHECK (system_days >= 1),
  interaction_days         integer     CHECK (interaction_days >= 1),
  interaction_content_days integer     CHECK (interaction_content_days >= 1),
  legal_hold               boolean     NOT NULL DEFAULT false,
  legal_hold_reason        text,
  legal_hold_since         timestamptz,
  updated_at               timestamptz NOT NULL DEFAULT now(),
  updated_by               text,
  CONSTRAINT tenant_retention_content_within_interactions
    CHECK (interaction_content_days IS NULL OR interaction_days IS NULL OR interaction_content_days <= interaction_days)
);

ALTER TABLE tenant_retention ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_retention_tenant ON tenant_retention
  USING (tenant_id = current_setting('logbook.tenant_id', true));
GRANT SELECT ON plans, tenant_retention TO logbook_app;

-- A dropped daily partition takes its events out without the delete triggers, so the rollups of that
-- day's hours are removed here, for the tenants whose events were in it. Runs under the compaction's
-- advisory lock (no fold in between) and returns how many events each tenant had per kind that day
-- (compacted + pending counts), which the retention run reports.
CREATE FUNCTION logbook_retention_forget_day(p_day date, p_tenants text[])
RETURNS TABLE (tenant_id text, kind text, events bigint) LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := p_day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (p_day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  PERFORM pg_advisory_xact_lock(7150002);
  RETURN QUERY
    SELECT c.tenant_id, c.kind, sum(c.events)::bigint
    FROM (SELECT r.tenant_id, r.kind, r.events FROM event_rollup_totals r
          WHERE r.tenant_id = ANY (p_tenants) AND r.hour >= lo AND r.hour < hi
          UNION ALL
          SELECT d.tenant_id, d.kind, d.events FROM event_rollup_deltas d
          WHERE d.tenant_id = ANY (p_tenants) AND d.hour >= lo AND d.hour < hi) c
    GROUP BY 1, 2 HAVING sum(c.events) <> 0;
  DELETE FROM event_rollups r WHERE r.tenant_id = ANY (p_tenants) AND r.hour >= lo AND r.hour < hi;
  DELETE FROM event_rollup_totals r WHERE r.tenant_id = ANY (p_tenants) AND r.hour >= lo AND r.hour < hi;
  DELETE FROM event_rollup_deltas d WHERE d.tenant_id = ANY (p_tenants) AND d.hour >= lo AND d.hour < hi;
  DELETE FROM event_user_sketches s WHERE s.tenant_id = ANY (p_tenants) AND s.hour >= lo AND s.hour < hi;
  DELETE FROM event_user_sketch_deltas d WHERE d.tenant_id = ANY (p_tenants) AND d.hour >= lo AND d.hour < hi;
  DELETE FROM event_sketch_rebuilds b WHERE b.tenant_id = ANY (p_tenants) AND b.hour >= lo AND b.hour < hi;
END $$;

-- Tenants (and kinds) with rows in one daily partition, by a skip scan of its (tenant_id, kind, …)
-- index: a few index probes per tenant instead of reading the day. `p_table` is a partition name.
CREATE FUNCTION logbook_partition_tenant_kinds(p_table regclass)
RETURNS TABLE (tenant_id text, kind text) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH RECURSIVE tk AS (
      (SELECT e.tenant_id, e.kind FROM %1$s e ORDER BY e.tenant_id, e.kind LIMIT 1)
      UNION ALL
      SELECT n.tenant_id, n.kind FROM tk
      CROSS JOIN LATERAL (SELECT e.tenant_id, e.kind FROM %1$s e
                          WHERE (e.tenant_id, e.kind) > (tk.tenant_id, tk.kind)
                          ORDER BY e.tenant_id, e.kind LIMIT 1) n
    )
    SELECT tk.tenant_id, tk.kind FROM tk$q$, p_table);
END $$;

-- The same for a content partition (its primary key starts with tenant_id).
CREATE FUNCTION logbook_partition_tenants(p_table regclass)
RETURNS TABLE (tenant_id text) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH RECURSIVE t AS (
      (SELECT c.tenant_id FROM %1$s c ORDER BY c.tenant_id LIMIT 1)
      UNION ALL
      SELECT n.tenant_id FROM t
      CROSS JOIN LATERAL (SELECT c.tenant_id FROM %1$s c WHERE c.tenant_id > t.tenant_id
                          ORDER BY c.tenant_id LIMIT 1) n
    )
    SELECT t.tenant_id FROM t$q$, p_table);
END $$;
