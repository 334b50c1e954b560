import {
  type EventFilter,
  type ExactFilterField,
  exactFilterFields,
  type MetadataCondition,
  periodRange,
  type Range,
  type RangeFilterField,
  rangeFilterFields,
} from "@logbook/shared/filters";
import { and, eq, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { eventContents, events } from "../schema/events";

/**
 * Compiles the shared event filter model to a WHERE fragment over `events` (or an alias of it).
 * Every column comes from the whitelist below and every value is a bound parameter; the tenant
 * condition always comes first. Paging (cursor, order, limit) is the caller's job.
 */

export type EventsTable = typeof events;

export interface CompileOptions {
  tenantId: string;
  /** The instant relative periods (1h … 30d) are measured back from. */
  now: Date;
  /** Full-text search over question/answer is applied only when true. */
  canReadContent: boolean;
  /** An alias of `events` when the query names the table differently. */
  table?: EventsTable;
  /**
   * For a partial `actor` match: the keys of the matching actors (matchingActorKeys), so the events
   * are found through the actor index; the match itself is still applied to each event.
   */
  actorKeys?: string[] | null;
}

/** Model field → column, for the exact-match filters. Nothing else reaches SQL as a column. */
function exactColumns(t: EventsTable) {
  return {
    status: t.status,
    ip: t.ip,
    actorId: t.actorId,
    targetName: t.targetName,
    targetVersion: t.targetVersion,
    element: t.element,
    sessionId: t.sessionId,
    interactionId: t.interactionId,
    conversationId: t.conversationId,
    personId: t.personId,
    traceId: t.traceId,
    model: t.model,
    agent: t.agent,
    source: t.source,
    platform: t.platform,
    occurredIn: t.occurredIn,
    productArea: t.productArea,
    tier: t.tier,
    responseType: t.responseType,
    intent: t.intent,
    sentiment: t.sentiment,
  } satisfies Record<ExactFilterField, unknown>;
}

function rangeExpressions(t: EventsTable): Record<RangeFilterField, SQL> {
  return {
    inputTokens: sql`${t.inputTokens}`,
    outputTokens: sql`${t.outputTokens}`,
    totalTokens: sql`(coalesce(${t.inputTokens}, 0) + coalesce(${t.outputTokens}, 0))`,
    durationMs: sql`${t.durationMs}`,
  };
}

/** Escapes LIKE/ILIKE wildcards so user text matches literally (backslash is the default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function compileEventFilter(filter: EventFilter, options: CompileOptions): SQL {
  const t = options.table ?? events;
  const conditions: SQL[] = [eq(t.tenantId, options.tenantId)];
  const add = (condition: SQL | undefined) => {
    if (condition) conditions.push(condition);
  };

  const { from, to } = periodRange(filter.period, options.now);
  if (from) add(gte(t.occurredAt, from.toISOString()));
  if (to) add(lt(t.occurredAt, to.toISOString()));

  if (filter.kind) add(inArray(t.kind, filter.kind));
  if (filter.type) add(typeCondition(t, filter.type));
  if (filter.protocol) add(inArray(t.protocol, filter.protocol));
  const columns = exactColumns(t);
  for (const field of exactFilterFields) {
    const values = filter[field];
    if (values) add(inArray(columns[field], values));
  }
  if (filter.actor) {
    if (options.actorKeys) {
      const keys = options.actorKeys;
      // `=` keeps the index walk in time order; `= ANY` (even of one value) needs a sort.
      if (keys.length === 0) add(sql`false`);
      else if (keys.length === 1) add(eq(t.actorKey, keys[0] as string));
      else add(sql`${t.actorKey} = ANY(${sql.param(keys)}::text[])`);
    }
    const pattern = `%${escapeLike(filter.actor)}%`;
    add(sql`(${t.actorId} ILIKE ${pattern} OR ${t.actorEmail} ILIKE ${pattern} OR ${t.actorName} ILIKE ${pattern})`);
  }
  // Events without the flag count as not errors.
  if (filter.isError !== undefined) add(filter.isError ? sql`${t.isError} IS TRUE` : sql`${t.isError} IS NOT TRUE`);

  const ranges = rangeExpressions(t);
  for (const field of rangeFilterFields) {
    const range = filter[field];
    if (range) add(rangeCondition(ranges[field], range));
  }
  // A tool of one of these names among the calls: jsonb containment, the name a bound parameter.
  if (filter.toolName) {
    add(or(...filter.toolName.map((name) => sql`${t.toolCalls} @> ${JSON.stringify([{ name }])}::jsonb`)));
  }
  for (const condition of filter.metadata ?? []) add(metadataCondition(t, condition));

  if (filter.search && options.canReadContent) {
    const pattern = `%${escapeLike(filter.search)}%`;
    const c = eventContents;
    add(sql`EXISTS (SELECT 1 FROM ${c} WHERE ${c.tenantId} = ${t.tenantId} AND ${c.occurredAt} = ${t.occurredAt}
      AND ${c.eventId} = ${t.id} AND (${c.question} ILIKE ${pattern} OR ${c.answer} ILIKE ${pattern}))`);
  }
  return and(...conditions)!;
}

function typeCondition(t: EventsTable, types: string[]): SQL | undefined {
  const exact = types.filter((v) => !v.endsWith(".*"));
  const prefixes = types.filter((v) => v.endsWith(".*")).map((v) => `${escapeLike(v.slice(0, -1))}%`);
  return or(exact.length > 0 ? inArray(t.type, exact) : undefined, ...prefixes.map((pattern) => sql`${t.type} LIKE ${pattern}`));
}

function rangeCondition(expression: SQL, range: Range): SQL | undefined {
  return and(
    range.gte !== undefined ? sql`${expression} >= ${range.gte}` : undefined,
    range.lte !== undefined ? sql`${expression} <= ${range.lte}` : undefined,
  );
}

const numericOps = { gt: sql.raw(">"), gte: sql.raw(">="), lt: sql.raw("<"), lte: sql.raw("<=") } as const;

/** metadata conditions; the path is one bound text[] parameter, never part of the SQL text. */
function metadataCondition(t: EventsTable, c: MetadataCondition): SQL {
  const path = sql`${sql.param(c.path)}::text[]`;
  if (c.op === "exists") {
    return c.value === false ? sql`(${t.metadata} #> ${path}) IS NULL` : sql`(${t.metadata} #> ${path}) IS NOT NULL`;
  }
  if (c.op === "eq") {
    if (typeof c.value === "number") return sql`${numericAt(t, path)} = ${c.value}::numeric`;
    if (typeof c.value === "boolean") return sql`(${t.metadata} #> ${path}) = to_jsonb(${c.value}::boolean)`;
    // Text comparison: "5" matches both the string "5" and the number 5.
    return sql`(${t.metadata} #>> ${path}) = ${String(c.value)}`;
  }
  return sql`${numericAt(t, path)} ${numericOps[c.op]} ${Number(c.value)}::numeric`;
}

/**
 * The number at a metadata path, NULL for anything else: a string there never makes the cast fail,
 * and the CASE (unlike AND) keeps the cast from running first whatever order the planner picks.
 */
function numericAt(t: EventsTable, path: SQL): SQL {
  return sql`(CASE WHEN jsonb_typeof(${t.metadata} #> ${path}) = 'number' THEN (${t.metadata} #> ${path})::numeric END)`;
}
