import type { ContentAccess } from "@logbook/shared/permissions";
import type { ExportColumn, ExportFilter, ExportFormat, ExportStatus } from "@logbook/shared/exports";
import type { ScheduleFrequency } from "@logbook/shared/export-schedule";
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Exports and export schedules (see migrations/0005_exports.sql). */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const exportSchedules = pgTable(
  "export_schedules",
  {
    tenantId: text("tenant_id").notNull(),
    id: uuid("id").notNull(),
    name: text("name").notNull(),
    frequency: text("frequency").$type<ScheduleFrequency>().notNull(),
    timeOfDay: text("time_of_day").notNull(),
    timeZone: text("time_zone").notNull(),
    weekday: smallint("weekday").notNull().default(1),
    filter: jsonb("filter").$type<Omit<ExportFilter, "period">>().notNull(),
    format: text("format").$type<ExportFormat>().notNull(),
    gzip: boolean("gzip").notNull().default(false),
    columns: text("columns").array().$type<ExportColumn[]>(),
    webhookUrl: text("webhook_url"),
    webhookSecret: text("webhook_secret").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    lastPeriodEnd: ts("last_period_end").notNull(),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const exportRuns = pgTable(
  "exports",
  {
    tenantId: text("tenant_id").notNull(),
    id: uuid("id").notNull(),
    scheduleId: uuid("schedule_id"),
    status: text("status").$type<ExportStatus>().notNull().default("queued"),
    format: text("format").$type<ExportFormat>().notNull(),
    gzip: boolean("gzip").notNull().default(false),
    columns: text("columns").array().$type<ExportColumn[]>().notNull(),
    filter: jsonb("filter").$type<ExportFilter>().notNull(),
    periodFrom: ts("period_from").notNull(),
    periodTo: ts("period_to").notNull(),
    contentAccess: text("content_access").$type<ContentAccess>().notNull(),
    rowsDone: bigint("rows_done", { mode: "number" }).notNull().default(0),
    rowsEstimate: bigint("rows_estimate", { mode: "number" }),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    sha256: text("sha256"),
    fileKey: text("file_key"),
    error: text("error"),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    attempts: integer("attempts").notNull().default(0),
    createdBy: text("created_by"),
    createdVia: text("created_via").$type<"ui" | "api" | "schedule">().notNull().default("ui"),
    createdAt: ts("created_at").notNull().defaultNow(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    expiresAt: ts("expires_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export type ExportRow = typeof exportRuns.$inferSelect;
export type ExportScheduleRow = typeof exportSchedules.$inferSelect;
