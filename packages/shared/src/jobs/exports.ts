import { z } from "zod";

/** Runs one export: streams its query to a file. Ids only; the export's row says what to export. */
export const EXPORTS_QUEUE = "exports";
/** A tick (every minute) that turns due schedule periods into exports and re-enqueues stranded ones. */
export const EXPORT_SCHEDULES_QUEUE = "export-schedules";
/** Removes export files past their plan's expiry. */
export const EXPORT_EXPIRY_QUEUE = "export-expiry";
/** POSTs a ready scheduled export to its schedule's webhook, retried with backoff. */
export const EXPORT_WEBHOOKS_QUEUE = "export-webhooks";

export const EXPORT_SCHEDULES_EVERY_MS = 60_000;
export const EXPORT_EXPIRY_EVERY_MS = 15 * 60_000;

const tenantId = z.string().min(1).max(256);

export const runExportPayload = z.strictObject({ tenantId, exportId: z.uuid() });
export type RunExportPayload = z.infer<typeof runExportPayload>;

export const exportSchedulesTickPayload = z.strictObject({});
export const exportExpiryPayload = z.strictObject({});

export const exportWebhookPayload = z.strictObject({ tenantId, exportId: z.uuid(), scheduleId: z.uuid() });
export type ExportWebhookPayload = z.infer<typeof exportWebhookPayload>;

/** Job options of an export run: the job id is the export id, so enqueuing twice runs it once. */
export const runExportJobOptions = (exportId: string) => ({
  jobId: `export-${exportId}`,
  attempts: 3,
  backoff: { type: "exponential" as const, delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

export const webhookJobOptions = (exportId: string) => ({
  jobId: `export-webhook-${exportId}`,
  attempts: 6,
  backoff: { type: "exponential" as const, delay: 10_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});
