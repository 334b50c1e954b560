import { z } from "zod";
import { eventKinds, protocols, timestamp } from "./events";

/**
 * The event filter model shared by the web UI (tRPC) and the REST API (see filter-query.ts for the
 * query-string form). packages/db compiles it to SQL through a whitelist of columns.
 */

export const periodPresets = ["1h", "6h", "24h", "7d", "30d", "all"] as const;
export type PeriodPreset = (typeof periodPresets)[number];

const presetMs: Record<Exclude<PeriodPreset, "all">, number> = {
  "1h": 3_600_000,
  "6h": 6 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export const customPeriodSchema = z
  .strictObject({ from: timestamp, to: timestamp })
  .refine((p) => Date.parse(p.from) < Date.parse(p.to), { message: "from must be before to", path: ["to"] });

export const periodSchema = z.union([z.enum(periodPresets), customPeriodSchema], {
  error: `must be one of ${periodPresets.join(", ")} or { from, to }`,
});
export type Period = z.output<typeof periodSchema>;

/** The time range a period covers at `now`: [from, to), either end open (null) for `all`. */
export function periodRange(period: Period, now: Date): { from: Date | null; to: Date | null } {
  if (typeof period !== "string") return { from: new Date(period.from), to: new Date(period.to) };
  if (period === "all") return { from: null, to: null };
  return { from: new Date(now.getTime() - presetMs[period]), to: now };
}

export const MAX_FILTER_VALUES = 50;
export const MAX_FILTER_VALUE = 256;
export const MAX_METADATA_CONDITIONS = 20;
export const MAX_METADATA_DEPTH = 8;
export const MAX_METADATA_SEGMENT = 64;
export const MAX_SEARCH = 200;
export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

/** One value or many (at most 50), always an array once parsed. */
function oneOrMany<T extends z.ZodType<string>>(value: T) {
  return z
    .union([value, z.array(value).min(1, "must not be empty").max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)])
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));
}

const filterValue = z
  .string()
  .min(1, "must not be empty")
  .max(MAX_FILTER_VALUE, `must be at most ${MAX_FILTER_VALUE} characters`);
const multi = oneOrMany(filterValue);

/** An exact event type (`user.login`) or a prefix ending in `.*` (`sync.*`). */
export const typeFilterValue = z
  .string()
  .max(102)
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/i, "must be an event type (user.login) or a prefix ending in .* (sync.*)");

const count = z.number().int("must be an integer").min(0, "must be at least 0");
export const rangeSchema = z
  .strictObject({ gte: count.optional(), lte: count.optional() })
  .refine((r) => r.gte === undefined || r.lte === undefined || r.gte <= r.lte, { message: "gte must not exceed lte" });
export type Range = z.output<typeof rangeSchema>;

export const metadataOps = ["eq", "exists", "gt", "gte", "lt", "lte"] as const;
export type MetadataOp = (typeof metadataOps)[number];
export const numericMetadataOps: readonly MetadataOp[] = ["gt", "gte", "lt", "lte"];

export const metadataConditionSchema = z
  .strictObject({
    path: z
      .array(
        z
          .string()
          .min(1, "a path segment must not be empty")
          .max(MAX_METADATA_SEGMENT, `segments are at most ${MAX_METADATA_SEGMENT} characters`),
      )
      .min(1, "must name at least one key")
      .max(MAX_METADATA_DEPTH, `at most ${MAX_METADATA_DEPTH} levels deep`),
    op: z.enum(metadataOps).default("eq"),
    value: z.union([z.string().max(MAX_FILTER_VALUE), z.number().finite(), z.boolean()]).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.op === "exists") {
      if (c.value !== undefined && typeof c.value !== "boolean") {
        ctx.addIssue({ code: "custom", path: ["value"], message: "exists takes true or false" });
      }
    } else if (c.value === undefined) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `a value is required for ${c.op}` });
    } else if (numericMetadataOps.includes(c.op) && typeof c.value !== "number") {
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} needs a number` });
    }
  });
export type MetadataCondition = z.output<typeof metadataConditionSchema>;

/** Exact-match column filters (one or many values each): model field → what it matches. */
export const exactFilterFields = [
  "status",
  "ip",
  "actorId",
  "targetName",
  "targetVersion",
  "element",
  "sessionId",
  "interactionId",
  "conversationId",
  "personId",
  "traceId",
  "model",
  "agent",
  "source",
  "platform",
  "occurredIn",
  "productArea",
  "tier",
  "responseType",
  "intent",
  "sentiment",
] as const;
export type ExactFilterField = (typeof exactFilterFields)[number];

export const tokenFilterFields = ["inputTokens", "outputTokens", "totalTokens"] as const;
export type TokenFilterField = (typeof tokenFilterFields)[number];
/** Whole-number ranges (gte / lte): the token counts and a system event's duration. */
export const rangeFilterFields = [...tokenFilterFields, "durationMs"] as const;
export type RangeFilterField = (typeof rangeFilterFields)[number];

const exactShape = Object.fromEntries(exactFilterFields.map((f) => [f, multi.optional()])) as {
  [K in ExactFilterField]: z.ZodOptional<typeof multi>;
};

export const eventFilterSchema = z.strictObject({
  period: periodSchema.default("24h"),
  kind: oneOrMany(z.enum(eventKinds)).optional(),
  type: oneOrMany(typeFilterValue).optional(),
  protocol: oneOrMany(z.enum(protocols)).optional(),
  ...exactShape,
  /** Partial, case-insensitive match over actor id, email and name. */
  actor: filterValue.optional(),
  isError: z.boolean().optional(),
  inputTokens: rangeSchema.optional(),
  outputTokens: rangeSchema.optional(),
  totalTokens: rangeSchema.optional(),
  durationMs: rangeSchema.optional(),
  /** Interactions that called a tool of one of these names (tool_calls[].name). */
  toolName: multi.optional(),
  metadata: z
    .array(metadataConditionSchema)
    .max(MAX_METADATA_CONDITIONS, `at most ${MAX_METADATA_CONDITIONS} metadata conditions`)
    .optional(),
  /** Free text over question and answer; only applied for callers allowed to read content. */
  search: z.string().trim().min(1, "must not be empty").max(MAX_SEARCH, `must be at most ${MAX_SEARCH} characters`).optional(),
  order: z.enum(["desc", "asc"]).default("desc"),
  limit: z
    .number()
    .int("must be an integer")
    .min(1, "must be between 1 and 500")
    .max(MAX_LIMIT, `must be between 1 and ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT),
  cursor: z.string().min(1, "must not be empty").max(2048, "is not a valid cursor").optional(),
});

/** What a caller sends (single values allowed, defaults optional). */
export type EventFilterInput = z.input<typeof eventFilterSchema>;
/** A parsed filter: multi-value fields are arrays, period/order/limit filled in. */
export type EventFilter = z.output<typeof eventFilterSchema>;
