import { type EventFilter, periodRange } from "@logbook/shared/filters";
import { and, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { events } from "../schema/events";
import { type Tx, withTenant } from "../tenant";
import { compileEventFilter } from "./event-filter-sql";
import { bucketSecondsFor } from "./event-stats";

/**
 * Usage for the current filters: requests and tokens per time bucket, split by the most frequent
 * values of one dimension (model, user, agent or source) plus "none" and "other"; top users and
 * models; error rate; thumbs up/down. Buckets are aligned like eventStatistics (date_bin from a fixed
 * origin, sized by bucketSecondsFor) and empty ones are included with zeros.
 */

export const usageDimensions = ["model", "user", "agent", "source"] as const;
export type UsageDimension = (typeof usageDimensions)[number];

/** One series of the split: a value of the dimension, events without one, or everything else. */
export interface UsageKey {
  /** "value", "none" (the dimension is empty on these events) or "other" (beyond the top values). */
  kind: "value" | "none" | "other";
  /** The dimension value (for users: actor id, else email); null for "none" and "other". */
  value: string | null;
  /** What to show: the value, or for users their name or email. */
  label: string;
  /** For users: true when `value` is an actor id (filter `actorId`), false when it is an email (filter `actor`). */
  byActorId: boolean;
  requests: number;
  tokens: number;
}

export interface UsageBucket {
  /** Bucket start, ISO 8601 UTC. */
  start: string;
  requests: number;
  tokens: number;
  errors: number;
  /** Requests and tokens of this bucket per key, aligned with `keys`. */
  requestsByKey: number[];
  tokensByKey: number[];
}

export interface UsageTop {
  /** Actor id, else email (users); the model name (models). */
  value: string;
  label: string;
  /** Users only: email and name as last seen. */
  email: string | null;
  name: string | null;
  byActorId: boolean;
  requests: number;
  tokens: number;
  errors: number;
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** is_error true or status 'failure' (as in eventStatistics). */
  errors: number;
  /** errors / requests; 0 without requests. */
  errorRate: number;
  positive: number;
  negative: number;
  /** positive / (positive + negative); null when nobody rated. */
  positiveShare: number | null;
  negativeShare: number | null;
  /** Distinct users (actor id, else email). */
  users: number;
}

export interface EventUsage {
  dimension: UsageDimension;
  bucketSeconds: number;
  totals: UsageTotals;
  keys: UsageKey[];
  series: UsageBucket[];
  topUsers: UsageTop[];
  topModels: UsageTop[];
}

export interface EventUsageInput {
  tenantId: string;
  filter: EventFilter;
  dimension: UsageDimension;
  /** The instant relative periods are measured from; defaults to the current time. */
  now?: Date;
  canReadContent: boolean;
  /** How many values of the dimension get a series of their own (default 6, at most 12). */
  splitLimit?: number;
  /** How many top users and models (default 10, at most 50). */
  topLimit?: number;
}

const DAY = 86_400;
/** The same origin as eventStatistics, so buckets of the two line up. */
const ORIGIN = "2000-01-01T00:00:00Z";

const userKey = sql`coalesce(${events.actorId}, ${events.actorEmail})`;
function dimensionExpression(dimension: UsageDimension): SQL {
  switch (dimension) {
    case "model":
      return sql`${events.model}`;
    case "agent":
      return sql`${events.agent}`;
    case "source":
      return sql`${events.source}`;
    case "user":
      return userKey;
  }
}

const clamp = (value: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.trunc(value ?? fallback)));

interface GroupRow extends Record<string, unknown> {
  grp: "dim" | "user" | "model" | "total";
  key: string | null;
  requests: string;
  input_tokens: string;
  output_tokens: string;
  errors: string;
  positive: string;
  negative: string;
  users: string;
  email: string | null;
  name: string | null;
  by_actor_id: boolean | null;
}

interface SeriesRow extends Record<string, unknown> {
  start_ms: string;
  slot: number | null;
  requests: string;
  tokens: string;
  errors: string;
}

export async function eventUsage(db: Db, input: EventUsageInput): Promise<EventUsage> {
  const { tenantId, filter, dimension } = input;
  const now = input.now ?? new Date();
  const splitLimit = clamp(input.splitLimit, 6, 12);
  const topLimit = clamp(input.topLimit, 10, 50);
  const where = compileEventFilter(filter, { tenantId, now, canReadContent: input.canReadContent });
  const dim = dimensionExpression(dimension);

  return withTenant(db, tenantId, async (tx) => {
    const range = await seriesRange(tx, tenantId, filter, now, where);
    if (!range) {
      return { dimension, bucketSeconds: DAY, totals: totalsOf(undefined), keys: [], series: [], topUsers: [], topModels: [] };
    }
    const { first, last, bounded, bucketSeconds } = range;

    // One pass: groups by the dimension, by user, by model and the total; the top ones of each kept.
    const groups = await tx.execute<GroupRow>(sql`
      WITH matched AS (
        SELECT ${dim} AS dim, ${userKey} AS user_key, ${events.model} AS model,
               ${events.actorId} AS actor_id, ${events.actorEmail} AS actor_email, ${events.actorName} AS actor_name,
               ${events.inputTokens} AS input_tokens, ${events.outputTokens} AS output_tokens,
               (${events.isError} IS TRUE OR ${events.status} = 'failure') AS failed, ${events.sentiment} AS sentiment
        FROM ${events} WHERE ${bounded}
        -- Not pulled up into the grouping: split by model, dim and model are the same column, and
        -- the planner would merge the two grouping sets (the model ranking came back empty).
        OFFSET 0
      ), grouped AS (
        SELECT CASE WHEN grouping(dim) = 0 THEN 'dim' WHEN grouping(user_key) = 0 THEN 'user'
                    WHEN grouping(model) = 0 THEN 'model' ELSE 'total' END AS grp,
               CASE WHEN grouping(dim) = 0 THEN dim WHEN grouping(user_key) = 0 THEN user_key
                    WHEN grouping(model) = 0 THEN model END AS key,
               count(*) AS requests, coalesce(sum(input_tokens), 0) AS input_tokens,
               coalesce(sum(output_tokens), 0) AS output_tokens, count(*) FILTER (WHERE failed) AS errors,
               count(*) FILTER (WHERE sentiment = 'positive') AS positive,
               count(*) FILTER (WHERE sentiment = 'negative') AS negative,
               CASE WHEN grouping(dim) = 1 AND grouping(user_key) = 1 AND grouping(model) = 1
                    THEN count(DISTINCT user_key) ELSE 0 END AS users,
               max(actor_email) AS email, max(actor_name) AS name, bool_and(actor_id IS NOT NULL) AS by_actor_id
        FROM matched GROUP BY GROUPING SETS ((dim), (user_key), (model), ())
      ), ranked AS (
        SELECT *, row_number() OVER (PARTITION BY grp ORDER BY requests DESC, key NULLS LAST) AS rank FROM grouped
      )
      SELECT grp, key, requests::text, input_tokens::text, output_tokens::text, errors::text, positive::text,
             negative::text, users::text, email, name, by_actor_id
      FROM ranked
      WHERE grp = 'total' OR (grp = 'dim' AND rank <= ${splitLimit})
         OR (grp IN ('user', 'model') AND key IS NOT NULL AND rank <= ${topLimit})
      ORDER BY grp, rank`);

    const rows = groups.rows;
    const total = rows.find((r) => r.grp === "total");
    const totals = totalsOf(total);
    const top = (grp: "user" | "model") => rows.filter((r) => r.grp === grp).map((r) => topOf(r, grp));
    const topUsers = top("user");
    const topModels = top("model");

    // The split: the top values (none counts as one of them when frequent), the rest as "other".
    const split = rows.filter((r) => r.grp === "dim");
    const topValues = split.flatMap((r) => (r.key === null ? [] : [r.key]));
    const noneInTop = split.some((r) => r.key === null);
    const keys: UsageKey[] = split.map((r) => keyOf(r, dimension));
    const noneSlot = topValues.length + 1;
    const otherSlot = topValues.length + 2;
    const splitRequests = split.reduce((n, r) => n + Number(r.requests), 0);
    if (totals.requests > splitRequests) {
      keys.push({ kind: "other", value: null, label: "Other", byActorId: false, requests: 0, tokens: 0 });
    }
    // keys index of each SQL slot: values keep their rank order, none sits where it ranked.
    const slotIndex = new Map<number, number>();
    keys.forEach((k, i) => {
      if (k.kind === "value") slotIndex.set(topValues.indexOf(k.value!) + 1, i);
      else if (k.kind === "none") slotIndex.set(noneSlot, i);
      else slotIndex.set(otherSlot, i);
    });

    const bucket = sql`make_interval(secs => ${bucketSeconds})`;
    const slot = sql`CASE WHEN dim IS NULL THEN CASE WHEN ${noneInTop} THEN ${noneSlot}::int ELSE ${otherSlot}::int END
                          ELSE coalesce(array_position(${sql.param(topValues)}::text[], dim), ${otherSlot}::int) END`;
    const result = await tx.execute<SeriesRow>(sql`
      WITH matched AS (
        SELECT date_bin(${bucket}, ${events.occurredAt}, ${ORIGIN}::timestamptz) AS bucket, ${dim} AS dim,
               coalesce(${events.inputTokens}, 0) + coalesce(${events.outputTokens}, 0) AS tokens,
               (${events.isError} IS TRUE OR ${events.status} = 'failure') AS failed
        FROM ${events} WHERE ${bounded}
        -- Not pulled up into the grouping: split by model, dim and model are the same column, and
        -- the planner would merge the two grouping sets (the model ranking came back empty).
        OFFSET 0
      ), grouped AS (
        SELECT bucket, ${slot} AS slot, count(*) AS requests, sum(tokens) AS tokens,
               count(*) FILTER (WHERE failed) AS errors
        FROM matched GROUP BY 1, 2
      ), series AS (
        SELECT generate_series(
          date_bin(${bucket}, ${first.toISOString()}::timestamptz, ${ORIGIN}::timestamptz),
          date_bin(${bucket}, ${last.toISOString()}::timestamptz, ${ORIGIN}::timestamptz),
          ${bucket}) AS bucket
      )
      SELECT (extract(epoch FROM s.bucket) * 1000)::bigint::text AS start_ms, g.slot,
             coalesce(g.requests, 0)::text AS requests, coalesce(g.tokens, 0)::text AS tokens,
             coalesce(g.errors, 0)::text AS errors
      FROM series s LEFT JOIN grouped g ON g.bucket = s.bucket
      ORDER BY s.bucket, g.slot`);

    const series: UsageBucket[] = [];
    const byStart = new Map<string, UsageBucket>();
    for (const row of result.rows) {
      let b = byStart.get(row.start_ms);
      if (!b) {
        b = {
          start: new Date(Number(row.start_ms)).toISOString(),
          requests: 0,
          tokens: 0,
          errors: 0,
          requestsByKey: keys.map(() => 0),
          tokensByKey: keys.map(() => 0),
        };
        byStart.set(row.start_ms, b);
        series.push(b);
      }
      if (row.slot === null) continue;
      const requests = Number(row.requests);
      const tokens = Number(row.tokens);
      b.requests += requests;
      b.tokens += tokens;
      b.errors += Number(row.errors);
      const index = slotIndex.get(Number(row.slot));
      if (index !== undefined) {
        b.requestsByKey[index]! += requests;
        b.tokensByKey[index]! += tokens;
      }
    }
    // The "other" key's totals come from the series (the grouped query only ranked the top values).
    const other = keys.findIndex((k) => k.kind === "other");
    if (other >= 0) {
      keys[other]!.requests = series.reduce((n, b) => n + b.requestsByKey[other]!, 0);
      keys[other]!.tokens = series.reduce((n, b) => n + b.tokensByKey[other]!, 0);
    }

    return { dimension, bucketSeconds, totals, keys, series, topUsers, topModels };
  });
}

/** The instants the series covers and the filter bounded to them; null when `all` finds no event. */
async function seriesRange(tx: Tx, tenantId: string, filter: EventFilter, now: Date, where: SQL) {
  if (filter.period === "all") {
    const bounds = await tx.execute<{ oldest: string | null; newest: string | null }>(sql`
      SELECT (extract(epoch FROM min(${events.occurredAt})) * 1000)::text AS oldest,
             (extract(epoch FROM max(${events.occurredAt})) * 1000)::text AS newest
      FROM ${events} WHERE ${events.tenantId} = ${tenantId}`);
    const { oldest, newest } = bounds.rows[0] ?? { oldest: null, newest: null };
    if (oldest === null || newest === null) return null;
    const first = new Date(Number(oldest));
    const last = new Date(Number(newest));
    // Events arriving meanwhile stay out of both totals and series.
    const bounded = and(where, sql`${events.occurredAt} <= ${last.toISOString()}::timestamptz + interval '1 millisecond'`)!;
    return { first, last, bounded, bucketSeconds: Math.max(DAY, bucketSecondsFor(last.getTime() - first.getTime())) };
  }
  const range = periodRange(filter.period, now);
  const first = range.from!;
  const last = new Date(range.to!.getTime() - 1);
  return { first, last, bounded: where, bucketSeconds: bucketSecondsFor(last.getTime() + 1 - first.getTime()) };
}

function totalsOf(row: GroupRow | undefined): UsageTotals {
  const requests = Number(row?.requests ?? 0);
  const inputTokens = Number(row?.input_tokens ?? 0);
  const outputTokens = Number(row?.output_tokens ?? 0);
  const errors = Number(row?.errors ?? 0);
  const positive = Number(row?.positive ?? 0);
  const negative = Number(row?.negative ?? 0);
  const rated = positive + negative;
  return {
    requests,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    errors,
    errorRate: requests ? errors / requests : 0,
    positive,
    negative,
    positiveShare: rated ? positive / rated : null,
    negativeShare: rated ? negative / rated : null,
    users: Number(row?.users ?? 0),
  };
}

function userLabel(row: GroupRow): string {
  return row.name ?? row.email ?? row.key ?? "—";
}

function topOf(row: GroupRow, grp: "user" | "model"): UsageTop {
  const isUser = grp === "user";
  return {
    value: row.key!,
    label: isUser ? userLabel(row) : row.key!,
    email: isUser ? row.email : null,
    name: isUser ? row.name : null,
    byActorId: isUser ? row.by_actor_id === true : false,
    requests: Number(row.requests),
    tokens: Number(row.input_tokens) + Number(row.output_tokens),
    errors: Number(row.errors),
  };
}

function keyOf(row: GroupRow, dimension: UsageDimension): UsageKey {
  const counts = { requests: Number(row.requests), tokens: Number(row.input_tokens) + Number(row.output_tokens) };
  if (row.key === null) return { kind: "none", value: null, label: `No ${dimension}`, byActorId: false, ...counts };
  const isUser = dimension === "user";
  return {
    kind: "value",
    value: row.key,
    label: isUser ? userLabel(row) : row.key,
    byActorId: isUser && row.by_actor_id === true,
    ...counts,
  };
}
