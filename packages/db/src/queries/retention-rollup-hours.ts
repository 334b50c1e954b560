import type { RetentionKind } from "@logbook/shared/retention";
import type { Db } from "../client";

// The rollups of whole hours retention empties without the rollup trigger (sweeps, rewrites): marked
// pending before, forgotten after, recounted when a stopped run left them marked.

/** Whole hours [from, to) of a tenant's kind whose events are gone. */
export interface ForgottenHours {
  tenantId: string;
  kind: RetentionKind;
  from: Date;
  to: Date;
}

const rangeArrays = (ranges: ForgottenHours[]) => [
  ranges.map((r) => r.tenantId),
  ranges.map((r) => r.kind),
  ranges.map((r) => r.from),
  ranges.map((r) => r.to),
];

/**
 * Records, committed before the first row goes, whole hours about to be emptied without the rollup
 * trigger (migration 0012), so a run stopped before forgetRollupHours leaves them for the next run's
 * recountPendingHours.
 */
export async function markHoursPending(db: Db, ranges: ForgottenHours[]): Promise<void> {
  if (ranges.length === 0) return;
  await db.$client.query(
    `INSERT INTO retention_pending_hours (tenant_id, kind, lo, hi)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
     ON CONFLICT DO NOTHING`,
    rangeArrays(ranges),
  );
}

/**
 * Forgets the rollups (counts, tokens, user sketches) of whole hours emptied by deletes that skipped
 * the rollup trigger (logbook_retention_forget_hours), and in the same transaction the pending hours
 * (markHoursPending) within them. Idempotent. Returns the rollup rows removed.
 */
export async function forgetRollupHours(db: Db, ranges: ForgottenHours[]): Promise<number> {
  if (ranges.length === 0) return 0;
  const { rows } = await db.$client.query<{ removed: string }>(
    `WITH done AS (
       DELETE FROM retention_pending_hours p
       USING unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS x(tenant_id, kind, lo, hi)
       WHERE p.tenant_id = x.tenant_id AND p.kind = x.kind AND p.lo >= x.lo AND p.hi <= x.hi
     )
     SELECT logbook_retention_forget_hours($1, $2, $3, $4) AS removed`,
    rangeArrays(ranges),
  );
  return Number(rows[0]!.removed);
}

/**
 * Counts again, from the events left in them, the hours a stopped run marked pending and never
 * forgot (logbook_retention_recount_hours), for the tenants `inScope` — whatever their retention is
 * now, so a tenant put on legal hold or given a longer retention meanwhile is not left counting events
 * that are gone. Returns the ranges recounted.
 */
export async function recountPendingHours(db: Db, inScope: (tenantId: string) => boolean): Promise<ForgottenHours[]> {
  const { rows } = await db.$client.query<{ tenant_id: string; kind: RetentionKind; lo: Date; hi: Date }>(
    "SELECT tenant_id, kind, lo, hi FROM retention_pending_hours ORDER BY tenant_id, kind, lo",
  );
  const ranges = rows
    .filter((r) => inScope(r.tenant_id))
    .map((r) => ({ tenantId: r.tenant_id, kind: r.kind, from: r.lo, to: r.hi }));
  if (ranges.length > 0) {
    await db.$client.query(
      "SELECT logbook_retention_recount_hours($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])",
      rangeArrays(ranges),
    );
  }
  return ranges;
}
