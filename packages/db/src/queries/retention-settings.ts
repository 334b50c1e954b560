import { isPlan } from "@logbook/shared/plans";
import {
  type EffectiveRetention,
  effectiveRetention,
  type RetentionDays,
  type RetentionKind,
  type RetentionOverride,
  retentionKinds,
} from "@logbook/shared/retention";
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { tenantSettings } from "../schema/ingestion";
import { plans, tenantRetention } from "../schema/retention";
import { withTenant } from "../tenant";

/** Plans, their retention and the tenants' overrides and legal holds (migrations/0007_retention.sql). */

export interface PlanView {
  id: string;
  name: string;
  retention: RetentionDays;
  exportFileDays: number;
  apiRequestsPerSecond: number;
  updatedAt: Date;
  updatedBy: string | null;
}

type PlanRow = typeof plans.$inferSelect;
const planDays = (p: Pick<PlanRow, "userActivityDays" | "systemDays" | "interactionDays" | "interactionContentDays">) => ({
  user_activity: p.userActivityDays,
  system: p.systemDays,
  interaction: p.interactionDays,
  interaction_content: p.interactionContentDays,
});
const toPlanView = (p: PlanRow): PlanView => ({
  id: p.id,
  name: p.name,
  retention: planDays(p),
  exportFileDays: p.exportFileDays,
  apiRequestsPerSecond: p.apiRequestsPerSecond,
  updatedAt: p.updatedAt,
  updatedBy: p.updatedBy,
});

export async function listPlans(db: Db): Promise<PlanView[]> {
  return (await db.select().from(plans).orderBy(asc(plans.position))).map(toPlanView);
}

/** Sets a plan's retention (validated by retentionDaysSchema; the table's checks hold too). Null for an unknown plan. */
export async function updatePlanRetention(
  db: Db,
  input: { planId: string; retention: RetentionDays; updatedBy: string },
): Promise<{ before: PlanView; after: PlanView } | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(plans).where(eq(plans.id, input.planId)).for("update");
    if (!before) return null;
    const r = input.retention;
    const [after] = await tx
      .update(plans)
      .set({
        userActivityDays: r.user_activity,
        systemDays: r.system,
        interactionDays: r.interaction,
        interactionContentDays: r.interaction_content,
        updatedBy: input.updatedBy,
        updatedAt: sql`now()`,
      })
      .where(eq(plans.id, input.planId))
      .returning();
    return { before: toPlanView(before), after: toPlanView(after as PlanRow) };
  });
}

/** Tenants assigned to a plan (a plan's change is recorded in each of their audit trails). */
export async function tenantsOnPlan(db: Db, input: { planId: string }): Promise<string[]> {
  const rows = await db.select({ id: tenantSettings.tenantId }).from(tenantSettings).where(eq(tenantSettings.plan, input.planId));
  return rows.map((r) => r.id);
}

export interface TenantRetentionView extends EffectiveRetention {
  tenantId: string;
  planDays: RetentionDays;
  override: RetentionOverride;
  legalHoldReason: string | null;
  legalHoldSince: Date | null;
}

const retentionSelect = sql`
  SELECT ids.tenant_id, p.id AS plan, p.user_activity_days, p.system_days, p.interaction_days, p.interaction_content_days,
         r.user_activity_days AS o_user_activity, r.system_days AS o_system, r.interaction_days AS o_interaction,
         r.interaction_content_days AS o_interaction_content,
         coalesce(r.legal_hold, false) AS legal_hold, r.legal_hold_reason, r.legal_hold_since
  FROM ids
  LEFT JOIN tenant_settings s ON s.tenant_id = ids.tenant_id
  JOIN plans p ON p.id = coalesce(s.plan, 'free')
  LEFT JOIN tenant_retention r ON r.tenant_id = ids.tenant_id`;

interface RetentionRow extends Record<string, unknown> {
  tenant_id: string;
  plan: string;
  user_activity_days: number;
  system_days: number;
  interaction_days: number;
  interaction_content_days: number;
  o_user_activity: number | null;
  o_system: number | null;
  o_interaction: number | null;
  o_interaction_content: number | null;
  legal_hold: boolean;
  legal_hold_reason: string | null;
  legal_hold_since: Date | string | null;
}

function toRetentionView(row: RetentionRow): TenantRetentionView {
  const days = planDays({
    userActivityDays: row.user_activity_days,
    systemDays: row.system_days,
    interactionDays: row.interaction_days,
    interactionContentDays: row.interaction_content_days,
  });
  const override: RetentionOverride = {
    user_activity: row.o_user_activity,
    system: row.o_system,
    interaction: row.o_interaction,
    interaction_content: row.o_interaction_content,
  };
  return {
    tenantId: row.tenant_id,
    ...effectiveRetention(row.plan, days, override, row.legal_hold),
    planDays: days,
    override,
    legalHoldReason: row.legal_hold_reason,
    legalHoldSince: row.legal_hold_since ? new Date(row.legal_hold_since) : null,
  };
}

/** One tenant's effective retention, read now: plan (free when none was assigned), override, legal hold. */
export async function getTenantRetention(db: Db, input: { tenantId: string }): Promise<TenantRetentionView> {
  const result = await db.execute<RetentionRow>(
    sql`WITH ids AS (SELECT ${input.tenantId}::text AS tenant_id) ${retentionSelect}`,
  );
  return toRetentionView(result.rows[0] as RetentionRow);
}

/**
 * Every tenant that may hold events — organizations, tenants with settings, and every tenant id in the
 * rollups (a skip scan: one index probe per tenant) — with its effective retention, read when called.
 */
export async function listTenantRetention(db: Db): Promise<Map<string, TenantRetentionView>> {
  const result = await db.execute<RetentionRow>(sql`
    WITH RECURSIVE rolled AS (
      (SELECT tenant_id FROM event_rollup_totals ORDER BY tenant_id LIMIT 1)
      UNION ALL
      SELECT (SELECT t.tenant_id FROM event_rollup_totals t WHERE t.tenant_id > rolled.tenant_id ORDER BY t.tenant_id LIMIT 1)
      FROM rolled WHERE rolled.tenant_id IS NOT NULL
    ),
    ids AS (
      SELECT tenant_id FROM rolled WHERE tenant_id IS NOT NULL
      UNION SELECT DISTINCT tenant_id FROM event_rollup_deltas
      UNION SELECT id FROM organization
      UNION SELECT tenant_id FROM tenant_settings
      UNION SELECT tenant_id FROM tenant_retention
    )
    ${retentionSelect}`);
  return new Map(result.rows.map((row) => [row.tenant_id, toRetentionView(row)]));
}

/** Assigns a plan; returns the previous one. */
export async function assignTenantPlan(
  db: Db,
  input: { tenantId: string; plan: string; updatedBy: string },
): Promise<{ previous: string }> {
  if (!isPlan(input.plan)) throw new Error(`unknown plan ${input.plan}`);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ plan: tenantSettings.plan })
      .from(tenantSettings)
      .where(eq(tenantSettings.tenantId, input.tenantId))
      .for("update");
    await tx
      .insert(tenantSettings)
      .values({ tenantId: input.tenantId, plan: input.plan, updatedBy: input.updatedBy })
      .onConflictDoUpdate({
        target: tenantSettings.tenantId,
        set: { plan: input.plan, updatedBy: input.updatedBy, updatedAt: sql`now()` },
      });
    return { previous: row?.plan ?? "free" };
  });
}

/** Replaces a tenant's override (null fields = the plan's). Returns the previous override. */
export async function setRetentionOverride(
  db: Db,
  input: { tenantId: string; override: RetentionOverride; updatedBy: string },
): Promise<{ previous: RetentionOverride }> {
  const before = await getTenantRetention(db, { tenantId: input.tenantId });
  const o = input.override;
  const values = {
    userActivityDays: o.user_activity ?? null,
    systemDays: o.system ?? null,
    interactionDays: o.interaction ?? null,
    interactionContentDays: o.interaction_content ?? null,
    updatedBy: input.updatedBy,
  };
  await db
    .insert(tenantRetention)
    .values({ tenantId: input.tenantId, ...values })
    .onConflictDoUpdate({ target: tenantRetention.tenantId, set: { ...values, updatedAt: sql`now()` } });
  return { previous: before.override };
}

/** Puts a tenant on legal hold (nothing of it is deleted) or lifts it. Returns whether it was on hold. */
export async function setLegalHold(
  db: Db,
  input: { tenantId: string; hold: boolean; reason?: string | null; updatedBy: string },
): Promise<{ previous: boolean }> {
  const before = await getTenantRetention(db, { tenantId: input.tenantId });
  const values = {
    legalHold: input.hold,
    legalHoldReason: input.hold ? (input.reason ?? null) : null,
    legalHoldSince: input.hold ? (before.legalHold ? before.legalHoldSince : sql`now()`) : null,
    updatedBy: input.updatedBy,
  };
  await db
    .insert(tenantRetention)
    .values({ tenantId: input.tenantId, ...values })
    .onConflictDoUpdate({ target: tenantRetention.tenantId, set: { ...values, updatedAt: sql`now()` } });
  return { previous: before.legalHold };
}

/** The oldest event still kept per kind (null: none), read through the tenant's index. */
export async function oldestEvents(db: Db, input: { tenantId: string }): Promise<Record<RetentionKind, Date | null>> {
  return withTenant(db, input.tenantId, async (tx) => {
    const result = await tx.execute<{ kind: RetentionKind; oldest: string | null }>(sql`
      SELECT k.kind, (SELECT min(occurred_at) FROM events e WHERE e.tenant_id = ${input.tenantId} AND e.kind = k.kind) AS oldest
      FROM unnest(${sql.raw(`ARRAY['${retentionKinds.join("','")}']`)}::text[]) AS k(kind)`);
    const out = { user_activity: null, system: null, interaction: null } as Record<RetentionKind, Date | null>;
    for (const row of result.rows) out[row.kind] = row.oldest ? new Date(row.oldest) : null;
    return out;
  });
}
