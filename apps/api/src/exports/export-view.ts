import type { ExportRow, ExportScheduleRow } from "@logbook/db/schema";
import { nextRunAt } from "@logbook/shared/export-schedule";
import { timingOf } from "@logbook/db/queries/export-schedules";

/** An export as the public API shows it (snake_case); the file key stays internal. */
export function exportJson(e: ExportRow) {
  return {
    id: e.id,
    schedule_id: e.scheduleId,
    status: e.status,
    format: e.format,
    gzip: e.gzip,
    columns: e.columns,
    filter: e.filter,
    period_from: e.periodFrom.toISOString(),
    period_to: e.periodTo.toISOString(),
    rows_done: e.rowsDone,
    rows_estimate: e.rowsEstimate,
    size_bytes: e.sizeBytes,
    sha256: e.sha256,
    error: e.error,
    content: e.contentAccess,
    created_via: e.createdVia,
    created_at: e.createdAt.toISOString(),
    started_at: e.startedAt?.toISOString() ?? null,
    finished_at: e.finishedAt?.toISOString() ?? null,
    expires_at: e.expiresAt?.toISOString() ?? null,
  };
}

/** What the web UI gets of an export (camelCase, dates as ISO strings, no file key). */
export function exportView(e: ExportRow) {
  const { fileKey: _fileKey, tenantId: _tenantId, ...rest } = e;
  return {
    ...rest,
    periodFrom: e.periodFrom.toISOString(),
    periodTo: e.periodTo.toISOString(),
    createdAt: e.createdAt.toISOString(),
    startedAt: e.startedAt?.toISOString() ?? null,
    finishedAt: e.finishedAt?.toISOString() ?? null,
    expiresAt: e.expiresAt?.toISOString() ?? null,
  };
}

/** A schedule for the UI; the webhook secret only when asked (its creator sees it once). */
export function scheduleView(s: ExportScheduleRow, options: { withSecret?: boolean } = {}) {
  const { webhookSecret, tenantId: _tenantId, ...rest } = s;
  return {
    ...rest,
    lastPeriodEnd: s.lastPeriodEnd.toISOString(),
    nextRunAt: nextRunAt(timingOf(s), s.lastPeriodEnd).toISOString(),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    webhookSecret: options.withSecret ? webhookSecret : null,
  };
}
