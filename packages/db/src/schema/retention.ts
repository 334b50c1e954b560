import { boolean, integer, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

/** Plans and per-tenant retention (see migrations/0007_retention.sql). */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  position: smallint("position").notNull(),
  userActivityDays: integer("user_activity_days").notNull(),
  systemDays: integer("system_days").notNull(),
  interactionDays: integer("interaction_days").notNull(),
  interactionContentDays: integer("interaction_content_days").notNull(),
  exportFileDays: integer("export_file_days").notNull(),
  apiRequestsPerSecond: integer("api_requests_per_second").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

export const tenantRetention = pgTable("tenant_retention", {
  tenantId: text("tenant_id").primaryKey(),
  userActivityDays: integer("user_activity_days"),
  systemDays: integer("system_days"),
  interactionDays: integer("interaction_days"),
  interactionContentDays: integer("interaction_content_days"),
  legalHold: boolean("legal_hold").notNull().default(false),
  legalHoldReason: text("legal_hold_reason"),
  legalHoldSince: ts("legal_hold_since"),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: text("updated_by"),
});
