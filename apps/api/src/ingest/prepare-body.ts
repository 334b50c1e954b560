import { createRedactor, type PrivacySettings } from "@logbook/shared/privacy";
import { type PreparedBatch, prepareBatch, VALIDATE_SLICE } from "./ingest-events";
import { BodyError, parseEvents } from "./read-body";

/** What an ingest thread needs to prepare a `POST /v1/events` body: plain data, copied to the thread. */
export interface BodyTask {
  body: Uint8Array;
  contentType: string | undefined;
  privacy: Partial<PrivacySettings>;
  now: number;
}

/** A prepared body, or the error a client can act on (a BodyError's fields: it cannot cross threads as a class). */
export type BodyOutcome =
  | { ok: true; batch: PreparedBatch }
  | { ok: false; error: { status: BodyError["status"]; code: string; message: string; details: Record<string, unknown> } };

/** Parses an ingest body (JSON or NDJSON), then validates, redacts and encodes its events (prepareBatch). */
export function* prepareBody(task: BodyTask): Generator<void, BodyOutcome> {
  const text = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength).toString("utf8");
  let events: unknown[];
  try {
    events = parseEvents(text, task.contentType);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    return { ok: false, error: { status: error.status, code: error.code, message: error.message, details: error.details } };
  }
  // A turn of the loop after parsing only where the batch is sliced anyway: a small one is one slice.
  if (events.length > VALIDATE_SLICE) yield;
  const batch = yield* prepareBatch(events, {
    now: task.now,
    redactor: createRedactor(task.privacy),
    // JSON can only carry a NUL as the escape \u0000: without one, no string needs the NUL check.
    mayContainNul: text.includes("\\u0000"),
  });
  return { ok: true, batch };
}
