import { scheduleWebhook } from "@logbook/db/queries/export-schedules";
import { getExport } from "@logbook/db/queries/exports";
import type { ExportWebhookPayload } from "@logbook/shared/jobs/exports";
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from "@logbook/shared/node/webhook-signature";
import type { JobContext } from "../../queue-definition";
import { recordSystemEvent } from "./record-system-event";

/**
 * POSTs "export.ready" to the schedule's webhook, signed with HMAC-SHA256 (see webhook-signature.ts).
 * A non-2xx answer or a network error fails the attempt; BullMQ retries with exponential backoff.
 * Every attempt is recorded as a `system` event (export.webhook.delivered / export.webhook.failed).
 */
export async function deliverWebhookProcessor(payload: ExportWebhookPayload, { db, job }: JobContext) {
  const webhook = await scheduleWebhook(db, { tenantId: payload.tenantId, id: payload.scheduleId });
  const row = await getExport(db, { tenantId: payload.tenantId, id: payload.exportId });
  if (!webhook || !row || row.status !== "ready") return { skipped: true };
  const body = JSON.stringify({
    type: "export.ready",
    export: {
      id: row.id,
      schedule_id: row.scheduleId,
      period_from: row.periodFrom.toISOString(),
      period_to: row.periodTo.toISOString(),
      format: row.format,
      gzip: row.gzip,
      rows: row.rowsDone,
      size_bytes: row.sizeBytes,
      sha256: row.sha256,
      download_path: `/v1/exports/${row.id}/download`,
    },
  });
  const attempt = job.attemptsMade + 1;
  let status: number | null = null;
  let failure: string | null = null;
  try {
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Logbook-Webhooks/1",
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(webhook.secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(10_000),
      redirect: "manual",
    });
    status = response.status;
    await response.body?.cancel().catch(() => {});
    if (status < 200 || status > 299) failure = `HTTP ${status}`;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  await recordSystemEvent(db, {
    tenantId: payload.tenantId,
    type: failure ? "export.webhook.failed" : "export.webhook.delivered",
    status: failure ? "failure" : "success",
    targetId: row.id,
    metadata: { schedule_id: payload.scheduleId, url: webhook.url, attempt, http_status: status, error: failure },
  });
  if (failure) throw new Error(`webhook ${webhook.url}: ${failure}`);
  return { status };
}
