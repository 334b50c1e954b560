import { uuidv7 } from "@logbook/shared/ids";
import type { EventKind } from "@logbook/shared/events";
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type EventRow, eventContents, events, type NewEventRow } from "../schema/events";
import { type Tx, withTenant } from "../tenant";

export type NewEvent = Omit<NewEventRow, "tenantId" | "id" | "receivedAt"> & {
  id?: string;
  question?: string | null;
  answer?: string | null;
};

/** Inserts events (and their content, kept apart) for one tenant inside a tenant-scoped transaction. */
export async function insertEvents(db: Db, input: { tenantId: string; events: NewEvent[] }): Promise<string[]> {
  if (input.events.length === 0) return [];
  return withTenant(db, input.tenantId, (tx) => insertEventsTx(tx, input));
}

export async function insertEventsTx(tx: Tx, input: { tenantId: string; events: NewEvent[] }): Promise<string[]> {
  const rows: NewEventRow[] = [];
  const contents: (typeof eventContents.$inferInsert)[] = [];
  for (const { question, answer, id, ...event } of input.events) {
    const eventId = id ?? uuidv7(Date.parse(event.occurredAt));
    const hasContent = question != null || answer != null;
    rows.push({ ...event, id: eventId, tenantId: input.tenantId, hasContent });
    if (hasContent) {
      contents.push({ tenantId: input.tenantId, eventId, occurredAt: event.occurredAt, question, answer });
    }
  }
  await tx.insert(events).values(rows);
  if (contents.length > 0) await tx.insert(eventContents).values(contents);
  return rows.map((r) => r.id as string);
}

export type EventListItem = Pick<
  EventRow,
  | "id"
  | "kind"
  | "type"
  | "occurredAt"
  | "receivedAt"
  | "status"
  | "actorId"
  | "actorEmail"
  | "actorName"
  | "actorType"
  | "ip"
  | "targetType"
  | "targetId"
  | "targetName"
  | "source"
  | "metadata"
>;

interface Cursor {
  t: string;
  id: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString("base64url");
}

export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
      const [t, id] = parsed;
      if (!ISO_UTC.test(t) || Number.isNaN(Date.parse(t)) || !UUID.test(id)) return null;
      return { t, id };
    }
  } catch {}
  return null;
}

/**
 * Lists a tenant's events newest first with a keyset cursor (occurred_at, id). Never reads content.
 * The full filter model and the public API's read path come with the query engine.
 */
export async function listEvents(
  db: Db,
  input: { tenantId: string; kind?: EventKind; limit: number; cursor?: Cursor | null },
): Promise<{ items: EventListItem[]; nextCursor: string | null }> {
  return withTenant(db, input.tenantId, async (tx) => {
    const conditions = [eq(events.tenantId, input.tenantId)];
    if (input.kind) conditions.push(eq(events.kind, input.kind));
    if (input.cursor) {
      const { t, id } = input.cursor;
      conditions.push(or(lt(events.occurredAt, t), and(eq(events.occurredAt, t), sql`${events.id} < ${id}::uuid`)) ?? sql`true`);
    }
    const rows = await tx
      .select({
        id: events.id,
        kind: events.kind,
        type: events.type,
        occurredAt: sql<string>`to_char(${events.occurredAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        receivedAt: events.receivedAt,
        status: events.status,
        actorId: events.actorId,
        actorEmail: events.actorEmail,
        actorName: events.actorName,
        actorType: events.actorType,
        ip: events.ip,
        targetType: events.targetType,
        targetId: events.targetId,
        targetName: events.targetName,
        source: events.source,
        metadata: events.metadata,
      })
      .from(events)
      .where(and(...conditions))
      .orderBy(desc(events.occurredAt), desc(events.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > input.limit && last ? encodeCursor({ t: last.occurredAt, id: last.id }) : null;
    return { items, nextCursor };
  });
}
