import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** The event store (see migrations/0002_events.sql): partitioned by occurred_at, immutable. */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

export const events = pgTable(
  "events",
  {
    tenantId: text("tenant_id").notNull(),
    id: uuid("id").notNull(),
    occurredAt: ts("occurred_at").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    kind: text("kind").notNull(),
    type: text("type").notNull(),
    clientId: text("client_id"),
    status: text("status"),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    actorName: text("actor_name"),
    /** Actor id, else email, else name (a stored generated column, indexed with the tenant and time). */
    actorKey: text("actor_key").generatedAlwaysAs(sql`coalesce(actor_id, actor_email, actor_name)`),
    actorType: text("actor_type"),
    ip: text("ip"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetName: text("target_name"),
    targetVersion: text("target_version"),
    source: text("source"),
    traceId: text("trace_id"),
    durationMs: integer("duration_ms"),
    sessionId: text("session_id"),
    model: text("model"),
    agent: text("agent"),
    platform: text("platform"),
    protocol: text("protocol"),
    productArea: text("product_area"),
    tier: text("tier"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    isError: boolean("is_error"),
    toolCalls: jsonb("tool_calls").$type<{ name: string; type: string; count: number }[]>(),
    occurredIn: text("occurred_in"),
    element: text("element"),
    personId: text("person_id"),
    interactionId: text("interaction_id"),
    conversationId: text("conversation_id"),
    hasContent: boolean("has_content").notNull().default(false),
    redacted: boolean("redacted").notNull().default(false),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    intent: text("intent"),
    responseType: text("response_type"),
    sentiment: text("sentiment"),
    labels: jsonb("labels").$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.occurredAt, t.id] })],
);

export const eventContents = pgTable(
  "event_contents",
  {
    tenantId: text("tenant_id").notNull(),
    eventId: uuid("event_id").notNull(),
    occurredAt: ts("occurred_at").notNull(),
    question: text("question"),
    answer: text("answer"),
    payload: jsonb("payload").$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.occurredAt, t.eventId] })],
);

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
