import { type EventFilter, periodRange } from "@logbook/shared/filters";
import { and, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { events } from "../schema/events";
import { withTenant } from "../tenant";
import { compileEventFilter } from "./event-filter-sql";

/**
 * Statistics for the current filters: totals and the same per time bucket for charts, buckets aligned
 * to UTC (date_bin) and empty ones included with zeros (generate_series).
 */

export interface EventTotals {
  events: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Distinct actors: actor id, else actor email. */
  users: number;
  models: number;
  /** is_error true or status 'failure'. */
  errors: number;
}

export interface EventBucket {
  /** Bucket start, ISO 8601 UTC. */
  start: string;
  events: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  users: number;
  errors: number;
}

export interface EventStatistics {
  totals: EventTotals;
  bucketSeconds: number;
  series: EventBucket[];
}

export interface EventStatisticsInput {
  tenantId: string;
  filter: EventFilter;
  /** The instant relative periods are measured from; defaults to the current time. */
  now?: Date;
  canReadContent: boolean;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Beyond this many daily buckets (a very long custom range), buckets grow by whole days. */
const MAX_BUCKETS = 1000;
/** Bucket starts are multiples of the bucket size since this instant (every size divides a day). */
const ORIGIN = "2000-01-01T00:00:00Z";

/** The bucket size for a range so a chart has roughly 30–200 points: 1h → 1 min … 30d → 6 h, longer → 1 day. */
export function bucketSecondsFor(rangeMs: number): number {
  const seconds = rangeMs / 1000;
  if (seconds <= HOUR) return MINUTE;
  if (seconds <= 6 * HOUR) return 5 * MINUTE;
  if (seconds <= DAY) return 15 * MINUTE;
  if (seconds <= 7 * DAY) return HOUR;
  if (seconds <= 30 * DAY) return 6 * HOUR;
  return Math.max(1, Math.ceil(seconds / DAY / MAX_BUCKETS)) * DAY;
}

const emptyTotals = (): EventTotals => ({
  events: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  users: 0,
  models: 0,
  errors: 0,
});

interface StatsRow extends Record<string, unknown> {
  total: boolean;
  start_ms: string | null;
  events: string;
  input_tokens: string;
  output_tokens: string;
  users: string;
  models: string;
  errors: string;
}

export async function eventStatistics(db: Db, input: EventStatisticsInput): Promise<EventStatistics> {
  const { tenantId, filter } = input;
  const now = input.now ?? new Date();
  const where = compileEventFilter(filter, { tenantId, now, canReadContent: input.canReadContent });

  return withTenant(db, tenantId, async (tx) => {
    // [first, last]: the instants whose buckets the series covers.
    let first: Date;
    let last: Date;
    let bounded: SQL = where;
    if (filter.period === "all") {
      const bounds = await tx.execute<{ oldest: string | null; newest: string | null }>(sql`
        SELECT (extract(epoch FROM min(${events.occurredAt})) * 1000)::text AS oldest,
               (extract(epoch FROM max(${events.occurredAt})) * 1000)::text AS newest
        FROM ${events} WHERE ${events.tenantId} = ${tenantId}`);
      const { oldest, newest } = bounds.rows[0] ?? { oldest: null, newest: null };
      if (oldest === null || newest === null) return { totals: emptyTotals(), bucketSeconds: DAY, series: [] };
      first = new Date(Number(oldest));
      last = new Date(Number(newest));
      // Events arriving meanwhile stay out of both totals and series.
      bounded = and(where, sql`${events.occurredAt} <= ${last.toISOString()}::timestamptz + interval '1 millisecond'`)!;
    } else {
      const range = periodRange(filter.period, now);
      first = range.from!;
      last = new Date(range.to!.getTime() - 1);
    }
    const bucketSeconds =
      filter.period === "all"
        ? Math.max(DAY, bucketSecondsFor(last.getTime() - first.getTime()))
        : bucketSecondsFor(last.getTime() + 1 - first.getTime());
    const bucket = sql`make_interval(secs => ${bucketSeconds})`;

    const result = await tx.execute<StatsRow>(sql`
      WITH matched AS (
        SELECT date_bin(${bucket}, ${events.occurredAt}, ${ORIGIN}::timestamptz) AS bucket,
               ${events.inputTokens} AS input_tokens, ${events.outputTokens} AS output_tokens,
               coalesce(${events.actorId}, ${events.actorEmail}) AS user_key, ${events.model} AS model,
               (${events.isError} IS TRUE OR ${events.status} = 'failure') AS failed
        FROM ${events} WHERE ${bounded}
      ), grouped AS (
        SELECT bucket, grouping(bucket) = 1 AS total, count(*) AS events,
               coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
               count(DISTINCT user_key) AS users, count(DISTINCT model) AS models,
               count(*) FILTER (WHERE failed) AS errors
        FROM matched GROUP BY GROUPING SETS ((bucket), ())
      ), series AS (
        SELECT generate_series(
          date_bin(${bucket}, ${first.toISOString()}::timestamptz, ${ORIGIN}::timestamptz),
          date_bin(${bucket}, ${last.toISOString()}::timestamptz, ${ORIGIN}::timestamptz),
          ${bucket}) AS bucket
      )
      SELECT false AS total, (extract(epoch FROM s.bucket) * 1000)::bigint AS start_ms,
             coalesce(g.events, 0)::text AS events, coalesce(g.input_tokens, 0)::text AS input_tokens,
             coalesce(g.output_tokens, 0)::text AS output_tokens, coalesce(g.users, 0)::text AS users,
             coalesce(g.models, 0)::text AS models, coalesce(g.errors, 0)::text AS errors
      FROM series s LEFT JOIN grouped g ON g.bucket = s.bucket AND NOT g.total
      UNION ALL
      SELECT true, NULL, events::text, input_tokens::text, output_tokens::text, users::text, models::text, errors::text
      FROM grouped WHERE total
      ORDER BY total, start_ms`);

    let totals = emptyTotals();
    const series: EventBucket[] = [];
    for (const row of result.rows) {
      const inputTokens = Number(row.input_tokens);
      const outputTokens = Number(row.output_tokens);
      const counts = {
        events: Number(row.events),
        inputTokens,
        outputTokens,
        totalTokens: inputTokens + outputTokens,
        users: Number(row.users),
        errors: Number(row.errors),
      };
      if (row.total) totals = { ...counts, models: Number(row.models) };
      else series.push({ start: new Date(Number(row.start_ms)).toISOString(), ...counts });
    }
    return { totals, bucketSeconds, series };
  });
}
