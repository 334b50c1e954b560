import { type EventFilter, periodRange } from "@logbook/shared/filters";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { events } from "../schema/events";
import { ALL_KINDS, eventRollupDeltas, eventRollupTotals, eventUserSketchDeltas, eventUserSketches } from "../schema/rollups";
import { type Tx, withTenant } from "../tenant";
import { compileEventFilter, type EventsTable } from "./event-filter-sql";
import {
  estimateDistinct,
  mergeRegister,
  mergeSketch,
  rollupsCanAnswer,
  SKETCH_REGISTERS,
  splitRange,
  withinHours,
} from "./event-rollups";

/**
 * Statistics for the current filters: totals and the same per time bucket for charts, buckets aligned
 * to UTC (date_bin) and empty ones included with zeros (generate_series). With buckets of whole hours
 * and filters the rollups carry (period, kind), whole hours come from the rollups and only the partial
 * hours at the ends are scanned; users are then a HyperLogLog estimate (±3 %), exact otherwise.
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

/** Statistics filters the rollups answer: the user sketches are kept per kind only. */
const statsRollupFields = new Set<keyof EventFilter>(["kind"]);

export async function eventStatistics(db: Db, input: EventStatisticsInput): Promise<EventStatistics> {
  const { tenantId, filter } = input;
  const now = input.now ?? new Date();
  const options = { tenantId, now, canReadContent: input.canReadContent };

  return withTenant(
    db,
    tenantId,
    async (tx) => {
      // [first, last]: the instants whose buckets the series covers.
      let first: Date;
      let last: Date;
      let range: { from: Date | null; to: Date | null };
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
        range = { from: null, to: new Date(last.getTime() + 1) };
      } else {
        range = periodRange(filter.period, now);
        first = range.from!;
        last = new Date(range.to!.getTime() - 1);
      }
      const bucketSeconds =
        filter.period === "all"
          ? Math.max(DAY, bucketSecondsFor(last.getTime() - first.getTime()))
          : bucketSecondsFor(last.getTime() + 1 - first.getTime());
      const bucket = sql`make_interval(secs => ${bucketSeconds})`;
      const useRollups = bucketSeconds % HOUR === 0 && rollupsCanAnswer(filter, statsRollupFields, input.canReadContent);
      const counted = useRollups ? rollupCounts(filter, range, options, bucket) : eventCounts(filter, range, options, bucket);

      const result = await tx.execute<StatsRow>(sql`
        WITH grouped AS (${counted}), series AS (
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
      if (useRollups) {
        const users = await rollupUsers(tx, tenantId, filter, range, options, bucketSeconds);
        // Hours whose events retention just deleted keep their sketches until the worker rebuilds them.
        totals.users = totals.events === 0 ? 0 : users.total;
        for (const b of series) b.users = b.events === 0 ? 0 : (users.perBucket.get(Date.parse(b.start)) ?? 0);
      }
      return { totals, bucketSeconds, series };
    },
    { isolationLevel: "repeatable read" },
  );
}

type CompileContext = { tenantId: string; now: Date; canReadContent: boolean };

/** The filter limited to [from, to), for scanning events. */
const within = (filter: EventFilter, from: Date, to: Date): EventFilter => ({
  ...filter,
  period: { from: from.toISOString(), to: to.toISOString() },
});

/** Per bucket and in total (grouping sets): counts scanned from every matching event (exact users). */
function eventCounts(filter: EventFilter, range: { from: Date | null; to: Date | null }, ctx: CompileContext, bucket: SQL) {
  const bounded = range.from && range.to ? within(filter, range.from, range.to) : { ...filter, period: "all" as const };
  const where = and(
    compileEventFilter(bounded, ctx),
    range.to && !range.from ? sql`${events.occurredAt} < ${range.to.toISOString()}::timestamptz` : undefined,
  );
  return sql`
    SELECT bucket, grouping(bucket) = 1 AS total, count(*) AS events,
           coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
           count(DISTINCT user_key) AS users, count(DISTINCT model) AS models, count(*) FILTER (WHERE failed) AS errors
    FROM (SELECT date_bin(${bucket}, ${events.occurredAt}, ${ORIGIN}::timestamptz) AS bucket,
                 ${events.inputTokens} AS input_tokens, ${events.outputTokens} AS output_tokens,
                 coalesce(${events.actorId}, ${events.actorEmail}) AS user_key, ${events.model} AS model,
                 (${events.isError} IS TRUE OR ${events.status} = 'failure') AS failed
          FROM ${events} WHERE ${where}) matched
    GROUP BY GROUPING SETS ((bucket), ())`;
}

/**
 * The same from rollups: whole hours from compacted rollups plus pending deltas, partial hours at the
 * ends from events. Users are filled in afterwards from the sketches (rollupUsers).
 */
function rollupCounts(filter: EventFilter, range: { from: Date | null; to: Date | null }, ctx: CompileContext, bucket: SQL) {
  const { hours, edges } = splitRange(range.from, range.to);
  const all = { ...filter, period: "all" as const };
  const parts: SQL[] = [];
  if (hours) {
    for (const table of [eventRollupTotals, eventRollupDeltas]) {
      const where = and(
        compileEventFilter(all, { ...ctx, table: table as unknown as EventsTable }),
        withinHours(table.occurredAt, hours),
      );
      parts.push(sql`SELECT ${table.occurredAt} AS at, ${table.model} AS model, ${table.events} AS events,
        ${table.inputTokens} AS input_tokens, ${table.outputTokens} AS output_tokens, ${table.errors} AS errors
        FROM ${table} WHERE ${where}`);
    }
  }
  for (const edge of edges) {
    parts.push(sql`SELECT ${events.occurredAt}, ${events.model}, 1, coalesce(${events.inputTokens}, 0),
      coalesce(${events.outputTokens}, 0), (${events.isError} IS TRUE OR ${events.status} = 'failure')::int
      FROM ${events} WHERE ${compileEventFilter(within(filter, edge.from, edge.to), ctx)}`);
  }
  if (parts.length === 0)
    parts.push(sql`SELECT NULL::timestamptz, NULL::text, 0::bigint, 0::bigint, 0::bigint, 0::bigint WHERE false`);
  return sql`
    WITH parts AS (${sql.join(parts, sql` UNION ALL `)})
    SELECT bucket, grouping(bucket) = 1 AS total, sum(events) AS events, sum(input_tokens) AS input_tokens,
           sum(output_tokens) AS output_tokens, 0 AS users,
           (SELECT count(*) FROM (SELECT model FROM parts WHERE model IS NOT NULL GROUP BY model HAVING sum(events) > 0) m) AS models,
           sum(errors) AS errors
    FROM (SELECT date_bin(${bucket}, at, ${ORIGIN}::timestamptz) AS bucket, events, input_tokens, output_tokens, errors FROM parts) p
    GROUP BY GROUPING SETS ((bucket), ())`;
}

/** Distinct users per bucket and in total from the HyperLogLog sketches (+ pending deltas + partial hours). */
async function rollupUsers(
  tx: Tx,
  tenantId: string,
  filter: EventFilter,
  range: { from: Date | null; to: Date | null },
  ctx: CompileContext,
  bucketSeconds: number,
) {
  const { hours, edges } = splitRange(range.from, range.to);
  const parts: SQL[] = [];
  const s = eventUserSketches;
  const d = eventUserSketchDeltas;
  if (hours) {
    const hourRange = (column: AnyPgColumn) => withinHours(column, hours);
    parts.push(sql`SELECT (extract(epoch FROM ${s.hour}) * 1000)::bigint AS hour_ms, NULL::int AS reg, NULL::int AS rank, ${s.sketch} AS sketch
      FROM ${s} WHERE ${and(eq(s.tenantId, tenantId), filter.kind ? inArray(s.kind, filter.kind) : eq(s.kind, ALL_KINDS), hourRange(s.hour))}`);
    parts.push(sql`SELECT (extract(epoch FROM ${d.hour}) * 1000)::bigint, pair >> 6, max(pair & 63), NULL::bytea
      FROM ${d}, unnest(${d.pairs}) pair
      WHERE ${and(eq(d.tenantId, tenantId), filter.kind ? inArray(d.kind, filter.kind) : undefined, hourRange(d.hour))}
      GROUP BY 1, 2`);
  }
  for (const edge of edges) {
    parts.push(sql`SELECT (extract(epoch FROM at) * 1000)::bigint, logbook_hll_reg(h)::int, logbook_hll_rank(h)::int, NULL::bytea
      FROM (SELECT ${events.occurredAt} AS at, hashtextextended(coalesce(${events.actorId}, ${events.actorEmail}), 0) AS h FROM ${events}
            WHERE ${compileEventFilter(within(filter, edge.from, edge.to), ctx)}
              AND coalesce(${events.actorId}, ${events.actorEmail}) IS NOT NULL) hashed`);
  }
  const total = new Uint8Array(SKETCH_REGISTERS);
  const perBucketRegisters = new Map<number, Uint8Array>();
  if (parts.length > 0) {
    const rows = await tx.execute<{ hour_ms: string; reg: number | null; rank: number | null; sketch: Buffer | null }>(
      sql.join(parts, sql` UNION ALL `),
    );
    const bucketMs = bucketSeconds * 1000;
    const origin = Date.parse(ORIGIN);
    for (const row of rows.rows) {
      const at = Number(row.hour_ms);
      const start = origin + Math.floor((at - origin) / bucketMs) * bucketMs;
      let registers = perBucketRegisters.get(start);
      if (!registers) {
        registers = new Uint8Array(SKETCH_REGISTERS);
        perBucketRegisters.set(start, registers);
      }
      if (row.sketch) {
        mergeSketch(registers, row.sketch);
        mergeSketch(total, row.sketch);
      } else {
        mergeRegister(registers, row.reg as number, row.rank as number);
        mergeRegister(total, row.reg as number, row.rank as number);
      }
    }
  }
  const perBucket = new Map<number, number>();
  for (const [start, registers] of perBucketRegisters) perBucket.set(start, estimateDistinct(registers));
  return { total: estimateDistinct(total), perBucket };
}
