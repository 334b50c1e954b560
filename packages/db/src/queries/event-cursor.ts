import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { EventFilter } from "@logbook/shared/filters";

/**
 * Keyset cursors over (occurred_at, id): opaque to the client and tamper-proof. A cursor is
 * base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, payload)); the payload binds it to
 * the tenant, the sort order and the filter it was issued for.
 */

export type SortOrder = "asc" | "desc";

export interface CursorPosition {
  /** occurred_at in UTC, microsecond precision: 2026-05-10T12:00:00.123456Z */
  t: string;
  id: string;
}

interface CursorPayload extends CursorPosition {
  o: SortOrder;
  f: string;
  tn: string;
}

export type CursorRejection = "malformed" | "forged" | "other_tenant" | "other_filter" | "other_order";
export type DecodedCursor = { ok: true; position: CursorPosition } | { ok: false; reason: CursorRejection; message: string };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MIN_SECRET = 16;

const messages: Record<CursorRejection, string> = {
  malformed: "is not a valid cursor",
  forged: "is not a cursor this server issued",
  other_tenant: "was issued for another tenant",
  other_filter: "was issued for other filters; start again without a cursor",
  other_order: "was issued for the other sort order",
};

/** JSON with object keys sorted, so equal values always serialize the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A short hash of what the filter selects: cursor and limit excluded (a page size may change between
 * pages), value lists deduplicated and sorted, metadata conditions sorted.
 */
export function filterHash(filter: EventFilter): string {
  const { cursor: _cursor, limit: _limit, ...rest } = filter;
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === "metadata" && Array.isArray(value)) normalized[key] = [...new Set(value.map(canonical))].sort();
    else if (Array.isArray(value)) normalized[key] = [...new Set(value as string[])].sort();
    else normalized[key] = value;
  }
  return createHash("sha256").update(canonical(normalized)).digest("base64url").slice(0, 22);
}

function sign(secret: string, payload: string): Buffer {
  if (secret.length < MIN_SECRET) throw new Error(`cursor secret must be at least ${MIN_SECRET} characters`);
  return createHmac("sha256", secret).update(payload).digest();
}

export function encodeCursor(
  secret: string,
  input: CursorPosition & { order: SortOrder; filterHash: string; tenantId: string },
): string {
  const payload: CursorPayload = { t: input.t, id: input.id, o: input.order, f: input.filterHash, tn: input.tenantId };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(secret, body).toString("base64url")}`;
}

export function decodeCursor(
  secret: string,
  value: string,
  expected: { tenantId: string; filterHash: string; order: SortOrder },
): DecodedCursor {
  const reject = (reason: CursorRejection): DecodedCursor => ({ ok: false, reason, message: messages[reason] });
  const [body, signature, extra] = value.split(".");
  if (!body || !signature || extra !== undefined) return reject("malformed");
  const given = Buffer.from(signature, "base64url");
  const wanted = sign(secret, body);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return reject("forged");
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return reject("malformed");
  }
  const { t, id, o, f, tn } = payload;
  if (typeof t !== "string" || !ISO_UTC.test(t) || Number.isNaN(Date.parse(t))) return reject("malformed");
  if (typeof id !== "string" || !UUID.test(id)) return reject("malformed");
  if (tn !== expected.tenantId) return reject("other_tenant");
  if (o !== expected.order) return reject("other_order");
  if (f !== expected.filterHash) return reject("other_filter");
  return { ok: true, position: { t, id } };
}

/** Thrown by list functions for a cursor that decodeCursor rejected; surfaces answer 400 on `cursor`. */
export class EventCursorError extends Error {
  readonly param = "cursor";
  constructor(
    readonly reason: CursorRejection,
    message: string,
  ) {
    super(`cursor ${message}`);
    this.name = "EventCursorError";
  }
}
