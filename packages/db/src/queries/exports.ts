import { defaultExportColumns, type ExportColumn, type ExportRequest, type ExportStatus } from "@logbook/shared/exports";
import { periodRange } from "@logbook/shared/filters";
import { uuidv7 } from "@logbook/shared/ids";
import type { ContentAccess } from "@logbook/shared/permissions";
import { and, desc, eq, gt, inArray, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type ExportRow, exportRuns } from "../schema/exports";
import { withTenant } from "../tenant";

/**
 * Export runs: created by a user, an API key or a schedule; run by the worker (queued → running →
 * ready | failed | cancelled; ready → expired when the plan's retention of files ends).
 */

/** Events start no earlier than this; "all" exports from here. */
const EARLIEST = new Date("2000-01-01T00:00:00.000Z");

export interface CreateExportInput {
  tenantId: string;
  request: ExportRequest;
  contentAccess: ContentAccess;
  createdBy?: string | null;
  createdVia: "ui" | "api" | "schedule";
  scheduleId?: string | null;
  /** The instant a relative period (24h, 7d, …) is measured back from. */
  now?: Date;
}

/**
 * Stores a queued export whose period is resolved to absolute instants now, so the file does not
 * depend on when the worker gets to it. Columns default to every listing column (no content).
 */
export async function createExport(db: Db, input: CreateExportInput): Promise<ExportRow> {
  return withTenant(db, input.tenantId, async (tx) => {
    const [row] = await tx.insert(exportRuns).values(newExportValues(input)).returning();
    return row as ExportRow;
  });
}

/** The row of a new export (see createExport); schedules insert it inside their own transaction. */
export function newExportValues(input: CreateExportInput): typeof exportRuns.$inferInsert {
  const { tenantId, request } = input;
  const now = input.now ?? new Date();
  const range = periodRange(request.filter.period, now);
  const from = range.from ?? EARLIEST;
  const to = range.to ?? now;
  return {
    tenantId,
    id: uuidv7(),
    scheduleId: input.scheduleId ?? null,
    format: request.format,
    gzip: request.gzip,
    columns: [...(request.columns ?? defaultExportColumns)] as ExportColumn[],
    filter: { ...request.filter, period: { from: from.toISOString(), to: to.toISOString() } },
    periodFrom: from,
    periodTo: to,
    contentAccess: input.contentAccess,
    createdBy: input.createdBy ?? null,
    createdVia: input.createdVia,
  };
}

export interface ListExportsInput {
  tenantId: string;
  scheduleId?: string;
  status?: ExportStatus[];
  /** Exports whose period overlaps [from, to). */
  from?: Date;
  to?: Date;
  limit?: number;
  /** Keyset position: exports created before this export (by created_at, id). */
  before?: { createdAt: Date; id: string };
}

/** The tenant's exports, newest first. */
export async function listExports(db: Db, input: ListExportsInput): Promise<ExportRow[]> {
  const { tenantId } = input;
  const conditions: (SQL | undefined)[] = [eq(exportRuns.tenantId, tenantId)];
  if (input.scheduleId) conditions.push(eq(exportRuns.scheduleId, input.scheduleId));
  if (input.status?.length) conditions.push(inArray(exportRuns.status, input.status));
  if (input.from) conditions.push(gt(exportRuns.periodTo, input.from));
  if (input.to) conditions.push(lt(exportRuns.periodFrom, input.to));
  if (input.before) {
    conditions.push(
      sql`(${exportRuns.createdAt}, ${exportRuns.id}) < (${input.before.createdAt.toISOString()}::timestamptz, ${input.before.id}::uuid)`,
    );
  }
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(exportRuns)
      .where(and(...conditions))
      .orderBy(desc(exportRuns.createdAt), desc(exportRuns.id))
      .limit(Math.min(Math.max(input.limit ?? 50, 1), 200)),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One export of the tenant, or null (unknown id, not a uuid, another tenant's). */
export async function getExport(db: Db, input: { tenantId: string; id: string }): Promise<ExportRow | null> {
  if (!UUID.test(input.id)) return null;
  return withTenant(db, input.tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(exportRuns)
      .where(and(eq(exportRuns.tenantId, input.tenantId), eq(exportRuns.id, input.id)));
    return row ?? null;
  });
}

/**
 * Cancels an export: a queued one at once, a running one at its next batch (the worker stops and
 * removes the partial file). Returns the row after the change, null when unknown.
 */
export async function cancelExport(db: Db, input: { tenantId: string; id: string }): Promise<ExportRow | null> {
  if (!UUID.test(input.id)) return null;
  return withTenant(db, input.tenantId, async (tx) => {
    const key = and(eq(exportRuns.tenantId, input.tenantId), eq(exportRuns.id, input.id));
    await tx
      .update(exportRuns)
      .set({ status: "cancelled", cancelRequested: true, finishedAt: new Date(), error: "cancelled" })
      .where(and(key, eq(exportRuns.status, "queued")));
    await tx
      .update(exportRuns)
      .set({ cancelRequested: true })
      .where(and(key, eq(exportRuns.status, "running")));
    const [row] = await tx.select().from(exportRuns).where(key);
    return row ?? null;
  });
}

// --- the worker's side -----------------------------------------------------------------------

/**
 * Marks the export running for a new attempt (progress starts over) and returns it; null when it is
 * not to run (unknown, already finished, cancelled — a cancel requested while queued wins).
 */
export async function startExportRun(db: Db, input: { tenantId: string; id: string }): Promise<ExportRow | null> {
  return withTenant(db, input.tenantId, async (tx) => {
    const key = and(eq(exportRuns.tenantId, input.tenantId), eq(exportRuns.id, input.id));
    const [row] = await tx
      .update(exportRuns)
      .set({
        status: "running",
        startedAt: new Date(),
        rowsDone: 0,
        error: null,
        attempts: sql`${exportRuns.attempts} + 1`,
      })
      .where(and(key, inArray(exportRuns.status, ["queued", "running"]), eq(exportRuns.cancelRequested, false)))
      .returning();
    if (row) return row;
    await tx
      .update(exportRuns)
      .set({ status: "cancelled", finishedAt: new Date(), error: "cancelled" })
      .where(and(key, inArray(exportRuns.status, ["queued", "running"])));
    return null;
  });
}

/** Records progress; returns false when a cancel was requested meanwhile. */
export async function recordExportProgress(
  db: Db,
  input: { tenantId: string; id: string; rowsDone: number; rowsEstimate?: number },
): Promise<boolean> {
  return withTenant(db, input.tenantId, async (tx) => {
    const [row] = await tx
      .update(exportRuns)
      .set({ rowsDone: input.rowsDone, ...(input.rowsEstimate !== undefined ? { rowsEstimate: input.rowsEstimate } : {}) })
      .where(and(eq(exportRuns.tenantId, input.tenantId), eq(exportRuns.id, input.id), eq(exportRuns.status, "running")))
      .returning({ cancelRequested: exportRuns.cancelRequested });
    return row !== undefined && !row.cancelRequested;
  });
}

/** The export's file is complete and stored under fileKey: ready until expiresAt. */
export async function completeExport(
  db: Db,
  input: { tenantId: string; id: string; rows: number; sizeBytes: number; sha256: string; fileKey: string; expiresAt: Date },
): Promise<ExportRow | null> {
  return withTenant(db, input.tenantId, async (tx) => {
    const [row] = await tx
      .update(exportRuns)
      .set({
        status: "ready",
        rowsDone: input.rows,
        rowsEstimate: input.rows,
        sizeBytes: input.sizeBytes,
        sha256: input.sha256,
        fileKey: input.fileKey,
        finishedAt: new Date(),
        expiresAt: input.expiresAt,
        error: null,
      })
      .where(and(eq(exportRuns.tenantId, input.tenantId), eq(exportRuns.id, input.id), eq(exportRuns.status, "running")))
      .returning();
    return row ?? null;
  });
}

/** Ends a running export as failed (with the reason) or cancelled. */
export async function endExport(
  db: Db,
  input: { tenantId: string; id: string; status: "failed" | "cancelled"; error: string },
): Promise<void> {
  await withTenant(db, input.tenantId, (tx) =>
    tx
      .update(exportRuns)
      .set({ status: input.status, error: input.error.slice(0, 1000), finishedAt: new Date() })
      .where(
        and(
          eq(exportRuns.tenantId, input.tenantId),
          eq(exportRuns.id, input.id),
          inArray(exportRuns.status, ["queued", "running"]),
        ),
      ),
  );
}

// --- sweeps across tenants (worker maintenance; no tenant context, like partitions) ------------

/** Ready exports whose files have expired at `now`. */
export async function expiredExports(db: Db, input: { now: Date; limit: number }) {
  return db
    .select({ tenantId: exportRuns.tenantId, id: exportRuns.id, fileKey: exportRuns.fileKey })
    .from(exportRuns)
    .where(and(eq(exportRuns.status, "ready"), lte(exportRuns.expiresAt, input.now)))
    .limit(input.limit);
}

/** After the file is removed: the export stays listed as expired. */
export async function markExportExpired(db: Db, input: { tenantId: string; id: string }): Promise<void> {
  await withTenant(db, input.tenantId, (tx) =>
    tx
      .update(exportRuns)
      .set({ status: "expired" })
      .where(and(eq(exportRuns.tenantId, input.tenantId), eq(exportRuns.id, input.id), eq(exportRuns.status, "ready"))),
  );
}

/** Queued or running exports created before `before`: the scheduler checks that each still has a job. */
export async function unfinishedExports(db: Db, input: { before: Date; limit: number }) {
  return db
    .select({ tenantId: exportRuns.tenantId, id: exportRuns.id, status: exportRuns.status })
    .from(exportRuns)
    .where(and(inArray(exportRuns.status, ["queued", "running"]), lt(exportRuns.createdAt, input.before)))
    .limit(input.limit);
}
