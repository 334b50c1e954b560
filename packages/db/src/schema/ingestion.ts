import type { PrivacySettings } from "@logbook/shared/privacy";
import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** API keys, client-id idempotency and tenant settings (see migrations/0003_ingestion.sql). */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const apiKeys = pgTable(
  "api_keys",
  {
    tenantId: text("tenant_id").notNull(),
    id: uuid("id").notNull(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
    revokedBy: text("revoked_by"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const eventClientIds = pgTable(
  "event_client_ids",
  {
    tenantId: text("tenant_id").notNull(),
    clientId: text("client_id").notNull(),
    eventId: uuid("event_id").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "string" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.clientId] })],
);

export const tenantSettings = pgTable("tenant_settings", {
  tenantId: text("tenant_id").primaryKey(),
  plan: text("plan").notNull().default("free"),
  privacy: jsonb("privacy").$type<Partial<PrivacySettings>>().notNull().default({}),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: text("updated_by"),
});
