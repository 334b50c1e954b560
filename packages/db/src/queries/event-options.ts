import { DEFAULT_OPTION_LIMIT, MAX_OPTION_LIMIT, type OptionColumn, withoutOwnFilter } from "@logbook/shared/filter-options";
import type { EventFilter } from "@logbook/shared/filters";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { events } from "../schema/events";
import { withTenant } from "../tenant";
import { compileEventFilter } from "./event-filter-sql";

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
  const where = compileEventFilter(withoutOwnFilter(input.filter, column), {
    tenantId,
    now: input.now ?? new Date(),
    canReadContent: input.canReadContent,
  });

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
