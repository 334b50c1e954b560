import { completeExport, endExport, recordExportProgress, startExportRun } from "@logbook/db/queries/exports";
import { getTenantSettings } from "@logbook/db/queries/tenant-settings";
import { EXPORT_WEBHOOKS_QUEUE, type RunExportPayload, webhookJobOptions } from "@logbook/shared/jobs/exports";
import { planLimits } from "@logbook/shared/plans";
import type { JobContext } from "../../queue-definition";
import { recordSystemEvent } from "./record-system-event";
import { exportFileKey, writeExportFile } from "./write-export-file";

const DAY = 86_400_000;
/** Progress is written at most this often. */
const PROGRESS_EVERY_MS = 500;

/**
 * Runs one export: queued → running (rows done of an estimate) → ready (file committed, checksum,
 * expiry from the plan) | failed (the reason, once the last attempt failed) | cancelled. Each attempt
 * starts the file over and commits it under the export's key, so a worker killed half-way leaves no
 * visible file and the retry produces exactly one.
 */
export async function runExportProcessor(payload: RunExportPayload, context: JobContext) {
  const { db, exportStore, job, log } = context;
  const row = await startExportRun(db, { tenantId: payload.tenantId, id: payload.exportId });
  if (!row) return { skipped: true };
  const key = exportFileKey(row);
  let lastWrite = 0;
  try {
    const result = await writeExportFile(
      db,
      exportStore,
      key,
      {
        tenantId: row.tenantId,
        filter: row.filter,
        columns: row.columns,
        format: row.format,
        gzip: row.gzip,
        contentAccess: row.contentAccess,
      },
      {
        onEstimate: (rows) =>
          void recordExportProgress(db, { tenantId: row.tenantId, id: row.id, rowsDone: 0, rowsEstimate: rows }),
        async onProgress(rowsDone) {
          if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return true;
          lastWrite = Date.now();
          return recordExportProgress(db, { tenantId: row.tenantId, id: row.id, rowsDone });
        },
      },
    );
    if (result.cancelled) {
      await endExport(db, { tenantId: row.tenantId, id: row.id, status: "cancelled", error: "cancelled" });
      return { cancelled: true, rows: result.rows };
    }
    const { plan } = await getTenantSettings(db, { tenantId: row.tenantId });
    const done = await completeExport(db, {
      tenantId: row.tenantId,
      id: row.id,
      rows: result.rows,
      sizeBytes: result.sizeBytes,
      sha256: result.sha256,
      fileKey: key,
      expiresAt: new Date(Date.now() + planLimits[plan].exportRetentionDays * DAY),
    });
    if (!done) {
      // Cancelled between the last batch and now: the file is not to be served.
      await exportStore.remove(key);
      await endExport(db, { tenantId: row.tenantId, id: row.id, status: "cancelled", error: "cancelled" });
      return { cancelled: true, rows: result.rows };
    }
    await recordSystemEvent(db, {
      tenantId: row.tenantId,
      type: "export.finished",
      status: "success",
      targetId: row.id,
      metadata: {
        rows: result.rows,
        size_bytes: result.sizeBytes,
        format: row.format,
        gzip: row.gzip,
        schedule_id: row.scheduleId,
      },
    }).catch((error: unknown) => log("export event not recorded", { error: String(error) }));
    if (row.scheduleId) {
      await context.enqueue(
        EXPORT_WEBHOOKS_QUEUE,
        { tenantId: row.tenantId, exportId: row.id, scheduleId: row.scheduleId },
        webhookJobOptions(row.id),
      );
    }
    return { rows: result.rows, sizeBytes: result.sizeBytes, sha256: result.sha256 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      await endExport(db, { tenantId: row.tenantId, id: row.id, status: "failed", error: message });
      await recordSystemEvent(db, {
        tenantId: row.tenantId,
        type: "export.failed",
        status: "failure",
        targetId: row.id,
        metadata: { error: message.slice(0, 500) },
      }).catch(() => {});
    }
    throw error;
  }
}
