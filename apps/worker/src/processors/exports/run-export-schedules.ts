import { createDueScheduledExports } from "@logbook/db/queries/export-schedules";
import { strandedExports } from "@logbook/db/queries/exports";
import { EXPORTS_QUEUE, runExportJobOptions } from "@logbook/shared/jobs/exports";
import type { JobContext } from "../../queue-definition";

/** Queued exports older than this are handed to the queue again (the job id makes that a no-op if it is there). */
const STRANDED_AFTER_MS = 2 * 60_000;

/**
 * The scheduler's tick: every schedule period that is due becomes an export (missed periods of a
 * worker that was down too, oldest first), then each is queued. Exports whose hand-off was lost
 * (queued in Postgres, no job) are queued again.
 */
export async function runExportSchedulesProcessor(_payload: unknown, context: JobContext, now = new Date()) {
  const { db, enqueue, log } = context;
  const created = await createDueScheduledExports(db, { now });
  for (const e of created) {
    await enqueue(EXPORTS_QUEUE, { tenantId: e.tenantId, exportId: e.exportId }, runExportJobOptions(e.exportId));
  }
  const stranded = await strandedExports(db, { before: new Date(now.getTime() - STRANDED_AFTER_MS), limit: 500 });
  for (const e of stranded) {
    await enqueue(EXPORTS_QUEUE, { tenantId: e.tenantId, exportId: e.id }, runExportJobOptions(e.id));
  }
  if (created.length > 0) log("scheduled exports created", { count: created.length });
  return { created: created.length, requeued: stranded.length };
}
