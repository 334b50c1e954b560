import { z } from "zod";
import { eventFilterSchema } from "./filter-model";

/**
 * Exports: what a user, an API call or a schedule asks for (filters of the read path, format,
 * compression, columns), and the public names of an export's columns and states.
 */

export const exportFormats = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportStatuses = ["queued", "running", "ready", "failed", "cancelled", "expired"] as const;
export type ExportStatus = (typeof exportStatuses)[number];

/** Columns an export may carry, by their public (snake_case) names, in file order. */
export const exportColumns = [
  "id",
  "occurred_at",
  "received_at",
  "kind",
  "type",
  "status",
  "actor_id",
  "actor_email",
  "actor_name",
  "actor_type",
  "ip",
  "target_type",
  "target_id",
  "target_name",
  "target_version",
  "source",
  "trace_id",
  "duration_ms",
  "session_id",
  "model",
  "agent",
  "platform",
  "protocol",
  "product_area",
  "tier",
  "input_tokens",
  "output_tokens",
  "is_error",
  "tool_calls",
  "occurred_in",
  "element",
  "person_id",
  "interaction_id",
  "conversation_id",
  "intent",
  "response_type",
  "sentiment",
  "labels",
  "metadata",
  "client_id",
  "redacted",
  "question",
  "answer",
] as const;
export type ExportColumn = (typeof exportColumns)[number];

/** Content columns: only roles that may read content get them (auditors redacted). */
export const contentColumns: readonly ExportColumn[] = ["question", "answer"];

/** Every listing column, no content: what an export carries when no columns are chosen. */
export const defaultExportColumns: readonly ExportColumn[] = exportColumns.filter((c) => !contentColumns.includes(c));

/** The read path's filters without paging; an export always walks the whole match, oldest first. */
export const exportFilterSchema = eventFilterSchema.omit({ cursor: true, order: true, limit: true });
export type ExportFilter = z.output<typeof exportFilterSchema>;
export type ExportFilterInput = z.input<typeof exportFilterSchema>;

export const exportColumnsSchema = z
  .array(z.enum(exportColumns, { error: `must be one of ${exportColumns.join(", ")}` }))
  .min(1, "choose at least one column")
  .max(exportColumns.length)
  .refine((c) => new Set(c).size === c.length, "must not repeat a column");

/** What a caller asks for when creating an export (tRPC and POST /v1/exports). */
export const exportRequestSchema = z.strictObject({
  filter: exportFilterSchema.default({ period: "24h" }),
  format: z.enum(exportFormats, { error: "must be csv or jsonl" }).default("csv"),
  gzip: z.boolean({ error: "must be true or false" }).default(false),
  columns: exportColumnsSchema.optional(),
});
export type ExportRequest = z.output<typeof exportRequestSchema>;
export type ExportRequestInput = z.input<typeof exportRequestSchema>;

/** The file name a download is offered under. */
export function exportFileName(e: { id: string; format: ExportFormat; gzip: boolean; periodFrom: string }): string {
  const day = e.periodFrom.slice(0, 10);
  return `logbook-${day}-${e.id.slice(0, 8)}.${e.format}${e.gzip ? ".gz" : ""}`;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson",
};

/** Audit-trail event types of exports and schedules (user_activity events of the tenant). */
export const exportAuditTypes = {
  created: "export.created",
  downloaded: "export.downloaded",
  cancelled: "export.cancelled",
  scheduleCreated: "export_schedule.created",
  scheduleUpdated: "export_schedule.updated",
  scheduleDeleted: "export_schedule.deleted",
} as const;
