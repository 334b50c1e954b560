import { bigint, boolean, customType, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Rollups of events (see migrations/0004_rollups.sql): written by triggers, compacted by the worker. */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });
const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/**
 * Column property names match `events` for every column a rollup holds, so the shared filter
 * compiler can run against a rollup table: `occurredAt` is the hour (UTC) the counts belong to.
 */
const rollupColumns = () => ({
  tenantId: text("tenant_id").notNull(),
  occurredAt: ts("hour").notNull(),
  kind: text("kind").notNull(),
  type: text("type").notNull(),
  status: text("status"),
  model: text("model"),
  agent: text("agent"),
  source: text("source"),
  platform: text("platform"),
  protocol: text("protocol"),
  productArea: text("product_area"),
  tier: text("tier"),
  responseType: text("response_type"),
  intent: text("intent"),
  sentiment: text("sentiment"),
  isError: boolean("is_error"),
  events: bigint("events", { mode: "number" }).notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  errors: bigint("errors", { mode: "number" }).notNull(),
});

export const eventRollups = pgTable("event_rollups", rollupColumns());
export const eventRollupDeltas = pgTable("event_rollup_deltas", rollupColumns());

/** Counts per tenant, hour, kind and model only: what statistics read. */
export const eventRollupTotals = pgTable("event_rollup_totals", {
  tenantId: text("tenant_id").notNull(),
  occurredAt: ts("hour").notNull(),
  kind: text("kind").notNull(),
  model: text("model"),
  events: bigint("events", { mode: "number" }).notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  errors: bigint("errors", { mode: "number" }).notNull(),
});

/** Sketch rows with kind ALL_KINDS merge every kind of the hour. */
export const ALL_KINDS = "*";

export const eventUserSketches = pgTable("event_user_sketches", {
  tenantId: text("tenant_id").notNull(),
  hour: ts("hour").notNull(),
  kind: text("kind").notNull(),
  sketch: bytea("sketch").notNull(),
});

export const eventUserSketchDeltas = pgTable("event_user_sketch_deltas", {
  tenantId: text("tenant_id").notNull(),
  hour: ts("hour").notNull(),
  kind: text("kind").notNull(),
  /** reg * 64 + rank of each register the statement set. */
  pairs: integer("pairs").array().notNull(),
});

export const eventActors = pgTable("event_actors", {
  tenantId: text("tenant_id").notNull(),
  actorKey: text("actor_key").notNull(),
  actorId: text("actor_id"),
  actorEmail: text("actor_email"),
  actorName: text("actor_name"),
});
