import { createRedactor } from "@logbook/shared/privacy";
import { and, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { eventContents, events } from "../schema/events";
import { withTenant } from "../tenant";
import { eventListColumns, type FilteredEventItem } from "./list-events-filtered";

/** How much of an event's content (question, answer, payload) a caller may read. */
export type ContentAccess = "full" | "redacted" | "none";

export interface EventContent {
  question: string | null;
  answer: string | null;
  payload: unknown;
}

export type EventDetails = FilteredEventItem & {
  /** null when access is "none" or the event has no content. */
  content: EventContent | null;
  /** True when `content` went through redaction (access "redacted"). */
  contentRedacted: boolean;
};

/** Year 10000: a UUID that is not v7 can carry any 48 bits where v7 keeps milliseconds. */
const MAX_TIME_MS = 253_402_300_800_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What auditors see: every built-in kind of personal data masked. */
const auditRedactor = createRedactor({ redactEmails: true, redactPhones: true, redactIps: true, redactCards: true })!;

/**
 * One of the tenant's events by id, with its content as far as `contentAccess` allows; null for an
 * unknown id, an id that is not a uuid, or another tenant's event.
 */
export async function getEvent(
  db: Db,
  input: { tenantId: string; id: string; contentAccess: ContentAccess },
): Promise<EventDetails | null> {
  const { tenantId, id, contentAccess } = input;
  if (!UUID.test(id)) return null;

  return withTenant(db, tenantId, async (tx) => {
    const byId = (narrow?: SQL) =>
      tx
        .select(eventListColumns)
        .from(events)
        .where(and(eq(events.tenantId, tenantId), eq(events.id, id), narrow))
        .limit(1);
    // Event ids are UUIDv7 of their occurred_at (ms): look in that millisecond first — one partition,
    // one primary-key probe — and only then everywhere (an id minted otherwise, or none at all).
    const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    const isV7 = id[14] === "7" && ms < MAX_TIME_MS;
    let [event] = isV7
      ? await byId(and(gte(events.occurredAt, new Date(ms).toISOString()), lt(events.occurredAt, new Date(ms + 1).toISOString())))
      : [];
    if (!event) [event] = await byId();
    if (!event) return null;
    if (contentAccess === "none") return { ...event, content: null, contentRedacted: false };

    const [stored] = await tx
      .select({ question: eventContents.question, answer: eventContents.answer, payload: eventContents.payload })
      .from(eventContents)
      .where(
        and(
          eq(eventContents.tenantId, tenantId),
          eq(eventContents.occurredAt, event.occurredAt),
          eq(eventContents.eventId, event.id),
        ),
      )
      .limit(1);
    if (!stored) return { ...event, content: null, contentRedacted: false };
    if (contentAccess === "full") return { ...event, content: { ...stored }, contentRedacted: false };
    return {
      ...event,
      content: {
        question: stored.question === null ? null : auditRedactor.text(stored.question),
        answer: stored.answer === null ? null : auditRedactor.text(stored.answer),
        payload: auditRedactor.value(stored.payload),
      },
      contentRedacted: true,
    };
  });
}
