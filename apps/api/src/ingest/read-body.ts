import { findJsonSyntaxError } from "./json-syntax-error";

/** Limits of one ingest request. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_EVENTS_PER_REQUEST = 1000;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Reads the body's bytes, refusing (413) past `limit` bytes without buffering the rest. */
export async function readBodyBytes(request: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function tooLarge(limit: number) {
  return new BodyError(
    413,
    "payload_too_large",
    `Request body exceeds ${limit / 1024 / 1024} MB; send at most ${MAX_EVENTS_PER_REQUEST} events or 5 MB per request.`,
    {
      limit_bytes: limit,
    },
  );
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, position: number) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

function jsonError(text: string, error: unknown, lineOffset = 0) {
  // V8's message has no position for some errors (Node 20: "Unexpected token 'o', ..."): find it.
  const found = findJsonSyntaxError(text);
  const message = (error as Error).message;
  const match = /position (\d+)/.exec(message);
  const position = found?.position ?? (match ? Number(match[1]) : text.length);
  const { line, column } = lineColumn(text, position);
  const reason = found?.reason ?? message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "");
  return new BodyError(400, "malformed_json", `Malformed JSON at line ${line + lineOffset}, column ${column}: ${reason}`, {
    line: line + lineOffset,
    column,
  });
}

/** The body's format by its Content-Type: NDJSON, or JSON (also when none is given); else 415. */
export function bodyFormat(contentType: string | undefined): "ndjson" | "json" {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-ndjson" || type === "application/jsonl" || type === "application/json-lines") return "ndjson";
  if (type && type !== "application/json" && !type.endsWith("+json")) {
    throw new BodyError(
      415,
      "unsupported_media_type",
      `Content-Type ${type} is not supported; use application/json or application/x-ndjson.`,
    );
  }
  return "json";
}

/**
 * Parses an ingest body into a list of raw events: one event object, `{ "events": [...] }`, or
 * NDJSON (one event per line, with `Content-Type: application/x-ndjson`).
 */
export function parseEvents(text: string, contentType: string | undefined): unknown[] {
  if (bodyFormat(contentType) === "ndjson") {
    const events: unknown[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      try {
        events.push(JSON.parse(line));
      } catch (error) {
        throw jsonError(lines[i]!, error, i);
      }
      if (events.length > MAX_EVENTS_PER_REQUEST) throw tooMany();
    }
    if (events.length === 0) throw new BodyError(400, "empty_body", "The request body holds no events.");
    return events;
  }
  if (!text.trim())
    throw new BodyError(400, "empty_body", 'The request body is empty; send one event, {"events": [...]}, or NDJSON.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw jsonError(text, error);
  }
  if (Array.isArray(parsed)) return checkCount(parsed);
  if (parsed && typeof parsed === "object" && "events" in parsed) {
    const events = (parsed as { events: unknown }).events;
    if (!Array.isArray(events))
      throw new BodyError(400, "invalid_batch", "`events` must be an array of events.", { path: "events" });
    if (events.length === 0) throw new BodyError(400, "empty_batch", "`events` is empty.", { path: "events" });
    return checkCount(events);
  }
  if (parsed && typeof parsed === "object") return [parsed];
  throw new BodyError(400, "invalid_body", 'The body must be an event object, {"events": [...]}, or NDJSON.');
}

function checkCount(events: unknown[]) {
  if (events.length > MAX_EVENTS_PER_REQUEST) throw tooMany();
  return events;
}

function tooMany() {
  return new BodyError(413, "too_many_events", `A request may carry at most ${MAX_EVENTS_PER_REQUEST} events.`, {
    limit_events: MAX_EVENTS_PER_REQUEST,
  });
}
