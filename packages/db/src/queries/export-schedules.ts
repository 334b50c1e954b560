import { randomBytes } from "node:crypto";
import {
  duePeriods,
  type ExportScheduleCreate,
  type ExportScheduleUpdate,
  periodStartAt,
  type ScheduleTiming,
} from "@logbook/shared/export-schedule";
import { uuidv7 } from "@logbook/shared/ids";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type ExportScheduleRow, exportRuns, exportSchedules } from "../schema/exports";
import { withTenant } from "../tenant";
import { newExportValues } from "./exports";

/**
 * Export schedules. Each keeps `last_period_end`: where the next period starts. The scheduler turns
 * every period whose run time has passed into an export and advances it in the same transaction, so
 * consecutive periods meet exactly and a worker that was down catches up period by period.
 */

export const timingOf = (s: Pick<ExportScheduleRow, "frequency" | "timeOfDay" | "timeZone" | "weekday">): ScheduleTiming => ({
  frequency: s.frequency,
  timeOfDay: s.timeOfDay,
  timeZone: s.timeZone,
  weekday: s.weekday,
});

/** Creates a schedule; its first run exports the period under way now. The webhook secret is generated here. */
export async function createExportSchedule(
  db: Db,
  input: { tenantId: string; schedule: ExportScheduleCreate; createdBy?: string | null; now?: Date },
): Promise<ExportScheduleRow> {
  const { tenantId, schedule } = input;
  const now = input.now ?? new Date();
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .insert(exportSchedules)
      .values({
        tenantId,
        id: uuidv7(),
        ...schedule,
        webhookSecret: `whsec_${randomBytes(24).toString("base64url")}`,
        lastPeriodEnd: periodStartAt(schedule, now),
        createdBy: input.createdBy ?? null,
      })
      .returning();
    return row as ExportScheduleRow;
  });
}

export async function listExportSchedules(db: Db, input: { tenantId: string }): Promise<ExportScheduleRow[]> {
  return withTenant(db, input.tenantId, (tx) =>
    tx.select().from(exportSchedules).where(eq(exportSchedules.tenantId, input.tenantId)).orderBy(asc(exportSchedules.createdAt)),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getExportSchedule(db: Db, input: { tenantId: string; id: string }): Promise<ExportScheduleRow | null> {
  if (!UUID.test(input.id)) return null;
  return withTenant(db, input.tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(exportSchedules)
      .where(and(eq(exportSchedules.tenantId, input.tenantId), eq(exportSchedules.id, input.id)));
    return row ?? null;
  });
}

/**
 * Changes a schedule. A change of timing keeps `last_period_end`: the next period starts where the
 * last one ended and ends at the new timing's next boundary (no gap, no overlap). Re-enabling a
 * disabled schedule starts again from the period under way (what was skipped while disabled stays skipped).
 */
export async function updateExportSchedule(
  db: Db,
  input: { tenantId: string; id: string; changes: ExportScheduleUpdate; now?: Date },
): Promise<ExportScheduleRow | null> {
  if (!UUID.test(input.id)) return null;
  return withTenant(db, input.tenantId, async (tx) => {
    const key = and(eq(exportSchedules.tenantId, input.tenantId), eq(exportSchedules.id, input.id));
    const [current] = await tx.select().from(exportSchedules).where(key).for("update");
    if (!current) return null;
    const next = { ...current, ...input.changes };
    const reEnabled = !current.enabled && next.enabled;
    const [row] = await tx
      .update(exportSchedules)
      .set({
        ...input.changes,
        updatedAt: new Date(),
        ...(reEnabled ? { lastPeriodEnd: periodStartAt(timingOf(next), input.now ?? new Date()) } : {}),
      })
      .where(key)
      .returning();
    return row ?? null;
  });
}

/** Deletes a schedule; its exports stay (with their schedule id). */
export async function deleteExportSchedule(db: Db, input: { tenantId: string; id: string }): Promise<boolean> {
  if (!UUID.test(input.id)) return false;
  return withTenant(db, input.tenantId, async (tx) => {
    const deleted = await tx
      .delete(exportSchedules)
      .where(and(eq(exportSchedules.tenantId, input.tenantId), eq(exportSchedules.id, input.id)))
      .returning({ id: exportSchedules.id });
    return deleted.length > 0;
  });
}

export interface ScheduledExport {
  tenantId: string;
  scheduleId: string;
  exportId: string;
  periodFrom: Date;
  periodTo: Date;
}

/**
 * The scheduler's tick (across tenants): for every enabled schedule, each period due at `now` since
 * its last run becomes a queued export (oldest first, at most `maxPerSchedule` per tick), and
 * `last_period_end` advances in the same transaction. Two ticks racing create each export once (the
 * row lock, and a unique index on schedule and period). Returns the exports created.
 */
export async function createDueScheduledExports(
  db: Db,
  input: { now: Date; maxPerSchedule?: number },
): Promise<ScheduledExport[]> {
  const schedules = await db
    .select({ tenantId: exportSchedules.tenantId, id: exportSchedules.id })
    .from(exportSchedules)
    .where(eq(exportSchedules.enabled, true));
  const created: ScheduledExport[] = [];
  for (const { tenantId, id } of schedules) {
    const made = await withTenant(db, tenantId, async (tx) => {
      const key = and(eq(exportSchedules.tenantId, tenantId), eq(exportSchedules.id, id));
      const [schedule] = await tx.select().from(exportSchedules).where(key).for("update");
      if (!schedule?.enabled) return [];
      const periods = duePeriods(timingOf(schedule), schedule.lastPeriodEnd, input.now, input.maxPerSchedule ?? 50);
      if (periods.length === 0) return [];
      const rows: ScheduledExport[] = [];
      for (const period of periods) {
        const values = newExportValues({
          tenantId,
          request: {
            filter: { ...schedule.filter, period: { from: period.from.toISOString(), to: period.to.toISOString() } },
            format: schedule.format,
            gzip: schedule.gzip,
            columns: schedule.columns ?? undefined,
          },
          contentAccess: "full",
          createdBy: schedule.createdBy,
          createdVia: "schedule",
          scheduleId: schedule.id,
        });
        const [row] = await tx.insert(exportRuns).values(values).onConflictDoNothing().returning({ id: exportRuns.id });
        if (row) rows.push({ tenantId, scheduleId: id, exportId: row.id, periodFrom: period.from, periodTo: period.to });
      }
      const last = periods[periods.length - 1] as (typeof periods)[number];
      await tx.update(exportSchedules).set({ lastPeriodEnd: last.to }).where(key);
      return rows;
    });
    created.push(...made);
  }
  return created;
}

/** A schedule's webhook target and secret (for the delivery job). */
export async function scheduleWebhook(db: Db, input: { tenantId: string; id: string }) {
  const schedule = await getExportSchedule(db, input);
  return schedule?.webhookUrl ? { url: schedule.webhookUrl, secret: schedule.webhookSecret, name: schedule.name } : null;
}
