import { z } from "zod";
import type { EventFilter } from "./filter-model";

/**
 * The columns a filter dropdown offers values for. `actor` is the actor's email, falling back to
 * name, then id.
 */
export const optionColumns = [
  "kind",
  "type",
  "status",
  "actor",
  "model",
  "agent",
  "source",
  "platform",
  "protocol",
  "productArea",
  "tier",
  "responseType",
  "intent",
  "sentiment",
  "isError",
  "occurredIn",
  "targetName",
  "targetVersion",
  "element",
  "sessionId",
] as const;
export type OptionColumn = (typeof optionColumns)[number];

export const optionColumnSchema = z.enum(optionColumns, { error: `must be one of ${optionColumns.join(", ")}` });

export const DEFAULT_OPTION_LIMIT = 50;
export const MAX_OPTION_LIMIT = 200;

/**
 * The filter fields a column's dropdown controls. Options for a column ignore these (filters are
 * independent: a dropdown keeps offering the alternatives to what is selected) and honour the rest.
 */
export const optionFilterFields: Record<OptionColumn, readonly Exclude<keyof EventFilter, "period" | "order" | "limit">[]> = {
  kind: ["kind"],
  type: ["type"],
  status: ["status"],
  actor: ["actor", "actorId"],
  model: ["model"],
  agent: ["agent"],
  source: ["source"],
  platform: ["platform"],
  protocol: ["protocol"],
  productArea: ["productArea"],
  tier: ["tier"],
  responseType: ["responseType"],
  intent: ["intent"],
  sentiment: ["sentiment"],
  isError: ["isError"],
  occurredIn: ["occurredIn"],
  targetName: ["targetName"],
  targetVersion: ["targetVersion"],
  element: ["element"],
  sessionId: ["sessionId"],
};

/** `filter` without the conditions a column's own dropdown sets. */
export function withoutOwnFilter(filter: EventFilter, column: OptionColumn): EventFilter {
  const rest: EventFilter = { ...filter };
  for (const field of optionFilterFields[column]) delete rest[field];
  return rest;
}
