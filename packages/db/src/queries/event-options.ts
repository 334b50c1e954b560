import { DEFAULT_OPTION_LIMIT, MAX_OPTION_LIMIT, type OptionColumn, withoutOwnFilter } from "@logbook/shared/filter-options";
import { type EventFilter, periodRange } from "@logbook/shared/filters";
import { and, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { events } from "../schema/events";
import { eventRollupDeltas, eventRollups } from "../schema/rollups";
import { withTenant } from "../tenant";
import { compileEventFilter, type EventsTable } from "./event-filter-sql";
import { rollupFilterFields, rollupsCanAnswer, splitRange, withinHours } from "./event-rollups";

/** Option column → the expression whose values a dropdown offers. Nothing else reaches SQL. */
const optionExpressions: Record<OptionColumn, SQL> = {
  kind: sql`${events.kind}`,
  type: sql`${events.type}`,
  status: sql`${events.status}`,
  actor: sql`coalesce(${events.actorEmail}, ${events.actorName}, ${events.actorId})`,
  model: sql`${events.model}`,
  agent: sql`${events.agent}`,
  source: sql`${events.source}`,
  platform: sql`${events.platform}`,
  protocol: sql`${events.protocol}`,
  productArea: sql`${events.productArea}`,
  tier: sql`${events.tier}`,
  responseType: sql`${events.responseType}`,
  intent: sql`${events.intent}`,
  sentiment: sql`${events.sentiment}`,
  // The filter model counts a missing flag as "not an error", so the options do too.
  isError: sql`(${events.isError} IS TRUE)`,
  occurredIn: sql`${events.occurredIn}`,
  targetName: sql`${events.targetName}`,
  targetVersion: sql`${events.targetVersion}`,
  element: sql`${events.element}`,
  sessionId: sql`${events.sessionId}`,
};

/** The same expressions over a rollup table, for the columns rollups carry. */
function rollupExpression(column: OptionColumn, t: typeof eventRollups): SQL | undefined {
  if (column === "isError") return sql`(${t.isError} IS TRUE)`;
  if (!rollupFilterFields.has(column as keyof EventFilter)) return undefined;
  return sql`${t[column as Exclude<keyof typeof t, "isError"> & OptionColumn]}`;
}

export interface FilterOptionsInput {
  tenantId: string;
  /** The current filters; the ones on `column` itself are ignored. */
  filter: EventFilter;
  column: OptionColumn;
  /** The instant relative periods are measured from; defaults to the current time. */
  now?: Date;
  /** Distinct values returned, 1–200, default 50. */
  limit?: number;
  canReadContent: boolean;
}

export interface FilterOption {
  value: string | boolean | null;
  count: number;
}

/**
 * The values `column` takes among the tenant's events in the current period that match every filter
 * except the column's own, with counts: most frequent first (ties by value), nulls left out.
 */
export async function filterOptions(
  db: Db,
  input: FilterOptionsInput,
): Promise<{ column: OptionColumn; values: FilterOption[] }> {
  const { tenantId, column } = input;
  const expression = optionExpressions[column];
  if (!expression) throw new Error(`filterOptions: unknown column ${String(column)}`);
  const requested = input.limit !== undefined && Number.isFinite(input.limit) ? Math.trunc(input.limit) : DEFAULT_OPTION_LIMIT;
  const limit = Math.min(Math.max(requested, 1), MAX_OPTION_LIMIT);
  const own = withoutOwnFilter(input.filter, column);
  const ctx = { tenantId, now: input.now ?? new Date(), canReadContent: input.canReadContent };
  if (rollupExpression(column, eventRollups) && rollupsCanAnswer(own, rollupFilterFields, input.canReadContent)) {
    // Whole hours from rollups (compacted + pending deltas), partial hours at the ends from events.
    const { from, to } = periodRange(own.period, ctx.now);
    const { hours, edges } = splitRange(from, to);
    const parts: SQL[] = [];
    if (hours) {
      for (const table of [eventRollups, eventRollupDeltas]) {
        const where = and(
          compileEventFilter({ ...own, period: "all" }, { ...ctx, table: table as unknown as EventsTable }),
          withinHours(table.occurredAt, hours),
        );
        parts.push(
          sql`SELECT ${rollupExpression(column, table as typeof eventRollups)} AS value, ${table.events} AS n FROM ${table} WHERE ${where}`,
        );
      }
    }
    for (const edge of edges) {
      const where = compileEventFilter({ ...own, period: { from: edge.from.toISOString(), to: edge.to.toISOString() } }, ctx);
      parts.push(sql`SELECT ${expression} AS value, 1 AS n FROM ${events} WHERE ${where}`);
    }
    return withTenant(
      db,
      tenantId,
      async (tx) => {
        const result = await tx.execute<{ value: string | boolean; count: string }>(sql`
          SELECT value, sum(n)::text AS count FROM (${sql.join(parts, sql` UNION ALL `)}) parts
          WHERE value IS NOT NULL GROUP BY 1 HAVING sum(n) > 0 ORDER BY sum(n) DESC, 1 ASC LIMIT ${limit}`);
        return { column, values: result.rows.map((r) => ({ value: r.value, count: Number(r.count) })) };
      },
      { isolationLevel: "repeatable read" },
    );
  }

  const where = compileEventFilter(own, ctx);
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .select({ value: sql<string | boolean>`${expression}`.as("value"), count: sql<string>`count(*)`.as("count") })
      .from(events)
      .where(sql`${where} AND ${expression} IS NOT NULL`)
      .groupBy(sql`1`)
      .orderBy(sql`2 DESC`, sql`1 ASC`)
      .limit(limit);
    return { column, values: rows.map((r) => ({ value: r.value, count: Number(r.count) })) };
  });
}
