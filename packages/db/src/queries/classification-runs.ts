import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { withTenant, type Tx } from "../tenant";

export type ClassificationRunStatus = "queued" | "running" | "done" | "failed";

export interface ClassificationRun {
  id: string;
  periodFrom: Date;
  periodTo: Date;
  status: ClassificationRunStatus;
  cursorOccurredAt: string | null;
  cursorId: string | null;
  done: number;
  changed: number;
  totalEstimate: number;
  modelVersion: string | null;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

type RunRow = ClassificationRun & Record<string, unknown>;

const runColumns = sql.raw(`id, period_from AS "periodFrom", period_to AS "periodTo", status,
  cursor_occurred_at::text AS "cursorOccurredAt", cursor_id AS "cursorId", done, changed,
  total_estimate AS "totalEstimate", model_version AS "modelVersion", error, created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`);

function toDates(row: ClassificationRun): ClassificationRun {
  const d = (v: Date | string | null) => (v == null ? null : v instanceof Date ? v : new Date(v));
  return {
    ...row,
    periodFrom: d(row.periodFrom)!,
    periodTo: d(row.periodTo)!,
    createdAt: d(row.createdAt)!,
    updatedAt: d(row.updatedAt)!,
    finishedAt: d(row.finishedAt),
  };
}

/** Creates a reclassify run of a period with an estimate of its interactions. */
export async function createClassificationRun(
  db: Db,
  input: { tenantId: string; id: string; from: Date; to: Date; createdBy: string | null },
): Promise<ClassificationRun> {
  return withTenant(db, input.tenantId, async (tx) => {
    const result = await tx.execute<RunRow>(sql`
      INSERT INTO classification_runs (tenant_id, id, period_from, period_to, created_by, total_estimate)
      SELECT ${input.tenantId}, ${input.id}, ${input.from.toISOString()}, ${input.to.toISOString()}, ${input.createdBy}, count(*)
      FROM events
      WHERE tenant_id = ${input.tenantId} AND kind = 'interaction'
        AND occurred_at >= ${input.from.toISOString()}::timestamptz AND occurred_at < ${input.to.toISOString()}::timestamptz
      RETURNING ${runColumns}`);
    return toDates(result.rows[0]!);
  });
}

export async function getClassificationRun(db: Db, input: { tenantId: string; id: string }): Promise<ClassificationRun | null> {
  return withTenant(db, input.tenantId, async (tx) => {
    const result = await tx.execute<RunRow>(
      sql`SELECT ${runColumns} FROM classification_runs WHERE tenant_id = ${input.tenantId} AND id = ${input.id}`,
    );
    return result.rows[0] ? toDates(result.rows[0]) : null;
  });
}

export async function listClassificationRuns(db: Db, input: { tenantId: string; limit?: number }): Promise<ClassificationRun[]> {
  return withTenant(db, input.tenantId, async (tx) => {
    const result = await tx.execute<RunRow>(sql`
      SELECT ${runColumns} FROM classification_runs WHERE tenant_id = ${input.tenantId}
      ORDER BY created_at DESC, id DESC LIMIT ${input.limit ?? 20}`);
    return result.rows.map(toDates);
  });
}

/** Locks a run for one step (a second runner of the same run waits here) and returns it. */
export async function lockClassificationRun(tx: Tx, input: { tenantId: string; id: string }): Promise<ClassificationRun | null> {
  const result = await tx.execute<RunRow>(
    sql`SELECT ${runColumns} FROM classification_runs WHERE tenant_id = ${input.tenantId} AND id = ${input.id} FOR UPDATE`,
  );
  return result.rows[0] ? toDates(result.rows[0]) : null;
}

/** Moves the run's cursor past a batch, in the transaction that wrote the batch's labels. */
export async function advanceClassificationRun(
  tx: Tx,
  input: {
    tenantId: string;
    id: string;
    cursor: { occurredAt: string; id: string } | null;
    processed: number;
    changed: number;
    modelVersion: string;
    finished: boolean;
  },
): Promise<void> {
  const cursor = input.cursor
    ? sql`cursor_occurred_at = ${input.cursor.occurredAt}::timestamptz, cursor_id = ${input.cursor.id}::uuid,`
    : sql``;
  await tx.execute(sql`
    UPDATE classification_runs SET ${cursor}
      done = done + ${input.processed}, changed = changed + ${input.changed}, model_version = ${input.modelVersion},
      status = ${input.finished ? "done" : "running"}, updated_at = now(),
      finished_at = ${input.finished ? sql`now()` : sql`NULL`}
    WHERE tenant_id = ${input.tenantId} AND id = ${input.id}`);
}

export async function failClassificationRun(db: Db, input: { tenantId: string; id: string; error: string }): Promise<void> {
  await withTenant(db, input.tenantId, (tx) =>
    tx.execute(sql`
      UPDATE classification_runs SET status = 'failed', error = ${input.error.slice(0, 1000)}, updated_at = now(), finished_at = now()
      WHERE tenant_id = ${input.tenantId} AND id = ${input.id} AND status <> 'done'`),
  );
}

/** Runs still queued or running that have not moved for `staleBefore` (their job may be lost). */
export async function staleClassificationRuns(db: Db, input: { staleBefore: Date }): Promise<{ tenantId: string; id: string }[]> {
  const result = await db.execute<{ tenantId: string; id: string }>(sql`
    SELECT tenant_id AS "tenantId", id FROM classification_runs
    WHERE status IN ('queued', 'running') AND updated_at < ${input.staleBefore.toISOString()}::timestamptz
    ORDER BY created_at LIMIT 100`);
  return result.rows;
}
