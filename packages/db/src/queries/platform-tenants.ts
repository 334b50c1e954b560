import type { RetentionKind } from "@logbook/shared/retention";
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { withTenant } from "../tenant";

export interface PlatformTenantRow {
  id: string;
  name: string;
  slug: string;
  createdAt: Date;
  members: number;
  plan: string;
  legalHold: boolean;
  hasOverride: boolean;
  events: Record<RetentionKind, number>;
  totalEvents: number;
  /** The tenant's share of the event store's size on disk (events and content, indexes included), by event count. */
  storageBytes: number;
}

/**
 * Every organization with its plan, legal hold, event counts per kind (from the rollups: compacted +
 * pending, exact) and estimated storage. Counts and sizes only: never a tenant's log content.
 */
export async function listPlatformTenants(db: Db): Promise<PlatformTenantRow[]> {
  const result = await db.execute<{
    id: string;
    name: string;
    slug: string;
    created_at: string;
    members: number;
    plan: string;
    legal_hold: boolean;
    has_override: boolean;
    by_kind: Record<string, string> | null;
    total: string | null;
    storage_bytes: string | null;
  }>(sql`
    WITH counts AS (
      SELECT tenant_id, kind, sum(events) AS events
      FROM (SELECT tenant_id, kind, events FROM event_rollup_totals
            UNION ALL SELECT tenant_id, kind, events FROM event_rollup_deltas) r
      GROUP BY 1, 2
    ), per AS (
      SELECT tenant_id, jsonb_object_agg(kind, events) AS by_kind, sum(events) AS total FROM counts GROUP BY 1
    ), store AS (
      SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) AS bytes
      FROM pg_inherits i WHERE i.inhparent IN ('events'::regclass, 'event_contents'::regclass)
    ), everything AS (SELECT sum(total) AS n FROM per)
    SELECT o.id, o.name, o.slug, o.created_at,
           (SELECT count(*)::int FROM member m WHERE m.organization_id = o.id) AS members,
           coalesce(s.plan, 'free') AS plan,
           coalesce(r.legal_hold, false) AS legal_hold,
           (r.user_activity_days IS NOT NULL OR r.system_days IS NOT NULL OR r.interaction_days IS NOT NULL
            OR r.interaction_content_days IS NOT NULL) AS has_override,
           per.by_kind, per.total,
           round(store.bytes * coalesce(per.total, 0) / nullif(everything.n, 0)) AS storage_bytes
    FROM organization o
    LEFT JOIN tenant_settings s ON s.tenant_id = o.id
    LEFT JOIN tenant_retention r ON r.tenant_id = o.id
    LEFT JOIN per ON per.tenant_id = o.id
    CROSS JOIN store CROSS JOIN everything
    ORDER BY o.name`);
  return result.rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    createdAt: new Date(r.created_at),
    members: r.members,
    plan: r.plan,
    legalHold: r.legal_hold,
    hasOverride: r.has_override ?? false,
    events: {
      user_activity: Number(r.by_kind?.user_activity ?? 0),
      system: Number(r.by_kind?.system ?? 0),
      interaction: Number(r.by_kind?.interaction ?? 0),
    },
    totalEvents: Number(r.total ?? 0),
    storageBytes: Number(r.storage_bytes ?? 0),
  }));
}

export interface OperatorAuditRow {
  id: string;
  occurredAt: Date;
  type: string;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  metadata: unknown;
}

/** Recent operator changes of retention, from the platform's own trail (`tenantId` = PLATFORM_TENANT). */
export async function listOperatorAudit(db: Db, input: { tenantId: string; limit: number }): Promise<OperatorAuditRow[]> {
  return withTenant(db, input.tenantId, async (tx) => {
    const result = await tx.execute<{
      id: string;
      occurred_at: string;
      type: string;
      actor_email: string | null;
      target_type: string | null;
      target_id: string | null;
      target_name: string | null;
      metadata: unknown;
    }>(sql`
      SELECT id, occurred_at, type, actor_email, target_type, target_id, target_name, metadata FROM events
      WHERE tenant_id = ${input.tenantId} AND kind = 'user_activity' AND type LIKE 'retention.%'
      ORDER BY occurred_at DESC, id DESC LIMIT ${input.limit}`);
    return result.rows.map((r) => ({
      id: r.id,
      occurredAt: new Date(r.occurred_at),
      type: r.type,
      actorEmail: r.actor_email,
      targetType: r.target_type,
      targetId: r.target_id,
      targetName: r.target_name,
      metadata: r.metadata,
    }));
  });
}
