import type { Db } from "@logbook/db/client";
import { listPlans, oldestEvents, getTenantRetention } from "@logbook/db/queries/retention-settings";
import { type RetentionDays, type RetentionField, type RetentionKind, retentionCutoffs } from "@logbook/shared/retention";

/** What a tenant sees of its retention: plan, days per kind, what is overridden, hold, and the oldest events kept. */
export interface RetentionSummary {
  plan: { id: string; name: string };
  days: RetentionDays;
  planDays: RetentionDays;
  overridden: RetentionField[];
  legalHold: boolean;
  /** Before these instants nothing of the kind is kept (the next run deletes what is older). */
  cutoffs: Record<RetentionField, string>;
  oldestEvent: Record<RetentionKind, string | null>;
  /** The oldest of all kinds (null: no events). */
  oldestEventAt: string | null;
  exportFileDays: number;
}

export async function retentionSummary(db: Db, tenantId: string, now = new Date()): Promise<RetentionSummary> {
  const [retention, oldest, plans] = await Promise.all([
    getTenantRetention(db, { tenantId }),
    oldestEvents(db, { tenantId }),
    listPlans(db),
  ]);
  const plan = plans.find((p) => p.id === retention.plan);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const all = Object.values(oldest).filter((d): d is Date => d !== null);
  const cutoffs = retentionCutoffs(retention.days, now);
  return {
    plan: { id: retention.plan, name: plan?.name ?? retention.plan },
    days: retention.days,
    planDays: retention.planDays,
    overridden: retention.overridden,
    legalHold: retention.legalHold,
    cutoffs: Object.fromEntries(Object.entries(cutoffs).map(([k, v]) => [k, v.toISOString()])) as Record<RetentionField, string>,
    oldestEvent: { user_activity: iso(oldest.user_activity), system: iso(oldest.system), interaction: iso(oldest.interaction) },
    oldestEventAt: all.length ? new Date(Math.min(...all.map((d) => d.getTime()))).toISOString() : null,
    exportFileDays: plan?.exportFileDays ?? 0,
  };
}
