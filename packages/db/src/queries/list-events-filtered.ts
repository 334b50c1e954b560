import type { EventFilter } from "@logbook/shared/filters";
import { and, asc, desc, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { type EventRow, events } from "../schema/events";
import { type Tx, withTenant } from "../tenant";
import { matchingActorKeys } from "./event-actors";
import { type CursorPosition, decodeCursor, EventCursorError, encodeCursor, filterHash } from "./event-cursor";
import { compileEventFilter } from "./event-filter-sql";

/** Timestamps as ISO 8601 UTC with microseconds, the form cursors carry. */
const isoUtc = (column: SQL | AnyPgColumn) => sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Every listing column of an event; content (question, answer, payload) is never selected. */
export const eventListColumns = {
  id: events.id,
  kind: events.kind,
  type: events.type,
  occurredAt: isoUtc(events.occurredAt),
  receivedAt: isoUtc(events.receivedAt),
  clientId: events.clientId,
  status: events.status,
  actorId: events.actorId,
  actorEmail: events.actorEmail,
  actorName: events.actorName,
  actorType: events.actorType,
  ip: events.ip,
  targetType: events.targetType,
  targetId: events.targetId,
  targetName: events.targetName,
  targetVersion: events.targetVersion,
  source: events.source,
  traceId: events.traceId,
  durationMs: events.durationMs,
  sessionId: events.sessionId,
  model: events.model,
  agent: events.agent,
  platform: events.platform,
  protocol: events.protocol,
  productArea: events.productArea,
  tier: events.tier,
  inputTokens: events.inputTokens,
  outputTokens: events.outputTokens,
  isError: events.isError,
  toolCalls: events.toolCalls,
  occurredIn: events.occurredIn,
  element: events.element,
  personId: events.personId,
  interactionId: events.interactionId,
  conversationId: events.conversationId,
  intent: events.intent,
  responseType: events.responseType,
  sentiment: events.sentiment,
  labels: events.labels,
  metadata: events.metadata,
  hasContent: events.hasContent,
  redacted: events.redacted,
};

export type FilteredEventItem = Omit<EventRow, "tenantId" | "actorKey"> & { occurredAt: string; receivedAt: string };

export interface ListEventsFilteredInput {
  tenantId: string;
  /** A parsed filter (eventFilterSchema / parseDeepObjectQuery output). */
  filter: EventFilter;
  /** Server secret that signs cursors. */
  secret: string;
  /** The instant relative periods are measured from; defaults to the current time. */
  now?: Date;
  /** Whether the caller may read content: only then is `search` applied. */
  canReadContent: boolean;
}

/**
 * One page of a tenant's events matching `filter`, in a stable order (occurred_at, then id; newest
 * first unless order is asc), with a keyset cursor for the next page. A deep page costs what the
 * first costs. Throws EventCursorError for a forged cursor or one issued for another tenant, order or
 * filter.
 */
export async function listEventsFiltered(
  db: Db,
  input: ListEventsFilteredInput,
): Promise<{ items: FilteredEventItem[]; nextCursor: string | null }> {
  const { tenantId, filter, secret } = input;
  return withTenant(db, tenantId, async (tx) => {
    const { where, orderBy, hash } = await pageQuery(tx, input);
    const rows = await tx
      .select(eventListColumns)
      .from(events)
      .where(where)
      .orderBy(...orderBy)
      .limit(filter.limit + 1);
    const items: FilteredEventItem[] = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > filter.limit && last
        ? encodeCursor(secret, { t: last.occurredAt, id: last.id, order: filter.order, filterHash: hash, tenantId })
        : null;
    return { items, nextCursor };
  });
}

/**
 * The WHERE (filter, tenant, cursor position) and ORDER BY of one page; validates the cursor. Plans the
 * page as an ordered index walk that stops after `limit` rows (what keyset pagination relies on):
 * under row-level security the planner underestimates how many rows a filtered page scans and would
 * pick "collect everything, then sort", which grows with the tenant, so sorting is ruled out for the
 * transaction — except for a partial actor match narrowed to a few actors, which reads those actors'
 * rows through the actor index and sorts them.
 */
async function pageQuery(tx: Tx, input: ListEventsFilteredInput) {
  const { tenantId, filter, secret } = input;
  const hash = filterHash(filter);
  const actorKeys = filter.actor ? await matchingActorKeys(tx, tenantId, filter.actor) : null;
  if (!actorKeys || actorKeys.length <= 1) await tx.execute(sql`SELECT set_config('enable_sort', 'off', true)`);
  const conditions = [
    compileEventFilter(filter, { tenantId, now: input.now ?? new Date(), canReadContent: input.canReadContent, actorKeys }),
  ];
  if (filter.cursor) {
    const decoded = decodeCursor(secret, filter.cursor, { tenantId, filterHash: hash, order: filter.order });
    if (!decoded.ok) throw new EventCursorError(decoded.reason, decoded.message);
    const { t, id } = decoded.position;
    // Row comparison: one index range on (tenant_id, occurred_at, id) however deep the page.
    const position = sql`(${events.occurredAt}, ${events.id})`;
    const after = sql`(${t}::timestamptz, ${id}::uuid)`;
    conditions.push(filter.order === "asc" ? sql`${position} > ${after}` : sql`${position} < ${after}`);
  }
  const direction = filter.order === "asc" ? asc : desc;
  return { where: and(...conditions), orderBy: [direction(events.occurredAt), direction(events.id)], hash };
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// Bulk reads: Postgres renders each event with row_to_json over snake_case aliases, and a page comes
// back as ONE text value (the lines joined), so Node parses one string per page instead of 42 fields
// per row (node-pg's per-field parsing, not Postgres, was the limit at ~35,000 rows/s).
// row_to_json is also about twice as fast as json_build_object, which resolves each argument's type
// on every row.
const jsonlColumns = sql.join(
  Object.entries(eventListColumns).map(([key, column]) => sql`${column} AS ${sql.identifier(snake(key))}`),
  sql`, `,
);

/**
 * Where the page of `pageSize` events after the filter's cursor ends: the position of its last event
 * (null when fewer remain), and the cursor that continues after it. A cheap walk of the index, so a
 * bulk reader can render several pages at once (listEventJsonLines with `until`).
 */
export async function eventPageBoundary(
  db: Db,
  input: ListEventsFilteredInput & { pageSize: number },
): Promise<{ until: CursorPosition; nextCursor: string } | null> {
  const { tenantId, filter, secret, pageSize } = input;
  return withTenant(db, tenantId, async (tx) => {
    const { where, orderBy, hash } = await pageQuery(tx, input);
    const rows = await tx
      .select({ t: eventListColumns.occurredAt, id: events.id })
      .from(events)
      .where(where)
      .orderBy(...orderBy)
      .offset(pageSize - 1)
      .limit(1);
    const last = rows[0];
    if (!last) return null;
    return {
      until: last,
      nextCursor: encodeCursor(secret, { t: last.t, id: last.id, order: filter.order, filterHash: hash, tenantId }),
    };
  });
}

/**
 * Like listEventsFiltered, for bulk reads: up to `pageSize` (may exceed the listing's 500) events as
 * JSON text lines with snake_case keys (joined by newlines, no trailing one), their count, and the
 * cursor of the next page (null once a page comes back short). With `until` (from eventPageBoundary)
 * the page is every event up to and including that position instead, and no cursor is returned.
 */
export async function listEventJsonLines(
  db: Db,
  input: ListEventsFilteredInput & { pageSize: number; until?: CursorPosition },
): Promise<{ text: string; count: number; nextCursor: string | null }> {
  const { tenantId, filter, secret, pageSize, until } = input;
  return withTenant(db, tenantId, async (tx) => {
    const page = await pageQuery(tx, input);
    const { orderBy, hash } = page;
    let where = page.where;
    if (until) {
      const position = sql`(${events.occurredAt}, ${events.id})`;
      const bound = sql`(${until.t}::timestamptz, ${until.id}::uuid)`;
      where = and(where, filter.order === "asc" ? sql`${position} <= ${bound}` : sql`${position} >= ${bound}`);
    }
    const direction = sql.raw(filter.order === "asc" ? "ASC" : "DESC");
    const result = await tx.execute<{ text: string | null; count: number; last_t: string | null; last_id: string | null }>(sql`
      SELECT string_agg(line, E'\n' ORDER BY ord) AS text, count(*)::int AS count,
             (array_agg(t ORDER BY ord DESC))[1] AS last_t, (array_agg(id ORDER BY ord DESC))[1] AS last_id
      FROM (
        SELECT row_to_json(page)::text AS line, page.occurred_at AS t, page.id::text AS id,
               row_number() OVER (ORDER BY page.occurred_at ${direction}, page.id ${direction}) AS ord
        FROM (SELECT ${jsonlColumns} FROM ${events} WHERE ${where} ORDER BY ${sql.join(orderBy, sql`, `)}
              ${until ? sql`` : sql`LIMIT ${pageSize}`}) page
      ) lines`);
    const row = result.rows[0];
    const count = row?.count ?? 0;
    const nextCursor =
      !until && count === pageSize && row?.last_t && row.last_id
        ? encodeCursor(secret, { t: row.last_t, id: row.last_id, order: filter.order, filterHash: hash, tenantId })
        : null;
    return { text: row?.text ?? "", count, nextCursor };
  });
}
