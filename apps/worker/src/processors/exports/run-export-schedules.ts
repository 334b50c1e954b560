import { createDueScheduledExports } from "@logbook/db/queries/export-schedules";
import { endExport, unfinishedExports } from "@logbook/db/queries/exports";
import { EXPORTS_QUEUE, runExportJobOptions } from "@logbook/shared/jobs/exports";
import type { JobContext } from "../../queue-definition";

/** Unfinished exports older than this are checked against their job. */
const STRANDED_AFTER_MS = 2 * 60_000;

/**
 * The scheduler's tick: every schedule period that is due becomes an export (missed periods of a
 * worker that was down too, oldest first), then each is queued. Unfinished exports are checked
 * against their job: without one (the hand-off was lost) they are queued again; when BullMQ gave the
 * job up (e.g. its worker died more often than it retries stalled jobs) the export is marked failed.
 */
export async function runExportSchedulesProcessor(_payload: unknown, context: JobContext, now = new Date()) {
  const { db, enqueue, jobState, log } = context;
  const created = await createDueScheduledExports(db, { now });
  for (const e of created) {
    await enqueue(EXPORTS_QUEUE, { tenantId: e.tenantId, exportId: e.exportId }, runExportJobOptions(e.exportId));
  }
  let requeued = 0;
  let failed = 0;
  for (const e of await unfinishedExports(db, { before: new Date(now.getTime() - STRANDED_AFTER_MS), limit: 500 })) {
    const options = runExportJobOptions(e.id);
    const state = await jobState(EXPORTS_QUEUE, options.jobId);
    if (state === "unknown") {
      await enqueue(EXPORTS_QUEUE, { tenantId: e.tenantId, exportId: e.id }, options);
      requeued++;
    } else if (state === "failed") {
      await endExport(db, {
        tenantId: e.tenantId,
        id: e.id,
        status: "failed",
        error: "the worker running this export stopped too often; start the export again",
      });
      failed++;
    }
  }
  if (created.length > 0) log("scheduled exports created", { count: created.length });
  return { created: created.length, requeued, failed };
}
