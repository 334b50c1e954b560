import type { EventFilter } from "@logbook/shared/filters";
import { and, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";

/**
 * Reading rollups (migrations/0004_rollups.sql): which filters they can answer, how a time range
 * splits into whole UTC hours (rollups) and partial ends (scanned from events), and the HyperLogLog
 * sketches of distinct users.
 */

export const HOUR_MS = 3_600_000;

/** Filter fields a rollup row carries (besides the period). */
export const rollupFilterFields = new Set<keyof EventFilter>([
  "kind",
  "type",
  "protocol",
  "status",
  "model",
  "agent",
  "source",
  "platform",
  "productArea",
  "tier",
  "responseType",
  "intent",
  "sentiment",
  "isError",
]);

/** Fields that never narrow the matched events. */
const pagingFields = new Set<keyof EventFilter>(["period", "order", "limit", "cursor"]);

/**
 * Whether the rollups can answer `filter`: every condition it sets is one of `allowed` (search only
 * counts for callers who may read content, as in compileEventFilter).
 */
export function rollupsCanAnswer(filter: EventFilter, allowed: ReadonlySet<keyof EventFilter>, canReadContent: boolean) {
  for (const [key, value] of Object.entries(filter) as [keyof EventFilter, unknown][]) {
    if (value === undefined || pagingFields.has(key) || allowed.has(key)) continue;
    if (key === "search" && !canReadContent) continue;
    return false;
  }
  return true;
}

export interface RangeSplit {
  /** Whole hours [from, to) the rollups answer (an end is null when the range is open there); null for none. */
  hours: { from: Date | null; to: Date | null } | null;
  /** Partial hours at the ends, read from events. */
  edges: { from: Date; to: Date }[];
}

/** The UTC hour `d` falls in. */
export const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);
const ceilHour = (d: Date) => new Date(Math.ceil(d.getTime() / HOUR_MS) * HOUR_MS);

/** Splits [from, to) (null = open) into whole UTC hours and partial ends. */
export function splitRange(from: Date | null, to: Date | null): RangeSplit {
  const start = from ? ceilHour(from) : null;
  const end = to ? floorHour(to) : null;
  if (from && to && start && end && start.getTime() >= end.getTime()) return { hours: null, edges: [{ from, to }] };
  const edges: { from: Date; to: Date }[] = [];
  if (from && start && from.getTime() < start.getTime()) edges.push({ from, to: start });
  if (to && end && end.getTime() < to.getTime()) edges.push({ from: end, to });
  return { hours: { from: start, to: end }, edges };
}

/** `column` (an hour) within the whole hours of a split (an open end adds no condition). */
export function withinHours(column: AnyPgColumn, hours: NonNullable<RangeSplit["hours"]>): SQL | undefined {
  return and(
    hours.from ? sql`${column} >= ${hours.from.toISOString()}::timestamptz` : undefined,
    hours.to ? sql`${column} < ${hours.to.toISOString()}::timestamptz` : undefined,
  );
}

export const SKETCH_REGISTERS = 1024;

/** Merges a stored sketch (sparse: two bytes per register in use) into dense registers. */
export function mergeSketch(registers: Uint8Array, sparse: Uint8Array) {
  for (let i = 0; i + 1 < sparse.length; i += 2) {
    const v = (((sparse[i] as number) ^ 0x80) << 8) | (sparse[i + 1] as number);
    const reg = v >> 6;
    const rank = v & 63;
    if (rank > (registers[reg] as number)) registers[reg] = rank;
  }
}

/** Merges one register (from pending deltas or events scanned) into dense registers. */
export function mergeRegister(registers: Uint8Array, reg: number, rank: number) {
  if (rank > (registers[reg] as number)) registers[reg] = rank;
}

/** HyperLogLog estimate of the distinct values behind `registers` (linear counting when small). */
export function estimateDistinct(registers: Uint8Array): number {
  const m = registers.length;
  let sum = 0;
  let zeros = 0;
  for (const rank of registers) {
    sum += 2 ** -rank;
    if (rank === 0) zeros++;
  }
  const estimate = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
  if (estimate <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  return Math.round(estimate);
}

/**
 * Folds pending rollup deltas into the compacted tables (the worker runs this on a schedule), then
 * vacuums the delta tables. Returns the rows folded, or -1 when another compaction was running.
 * Runs as the database owner (VACUUM), outside any transaction.
 */
export async function compactRollups(db: Db): Promise<number> {
  const result = await db.execute<{ folded: string }>(sql`SELECT logbook_compact_rollups()::text AS folded`);
  const folded = Number(result.rows[0]?.folded ?? 0);
  // The delta tables are emptied on every run: their dead rows would otherwise be walked by every
  // reader's index scan until autovacuum comes by (2 M dead entries cost readers half a second).
  if (folded > 0) await db.execute(sql`VACUUM event_rollup_deltas, event_user_sketch_deltas, event_sketch_rebuilds`);
  return folded;
}
