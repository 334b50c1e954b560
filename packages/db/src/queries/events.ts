import { uuidv7 } from "@logbook/shared/ids";
import type { Db } from "../client";
import { eventContents, events, type NewEventRow } from "../schema/events";
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
