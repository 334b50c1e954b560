import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Db } from "@logbook/db/client";
import { type IngestRow, type PreparedStore, prepareStore, storePrepared } from "@logbook/db/queries/ingest";
import { type EventEnvelope, eventInputSchema, eventKinds } from "@logbook/shared/events";
import type { Redactor } from "@logbook/shared/privacy";
import type { z } from "zod";
import { type IngestGate, SMALL_BATCH } from "./ingest-gate";
import { toRow } from "./to-row";

export const MAX_FUTURE_MS = 24 * 3600_000;
export const MAX_AGE_DAYS = 400;
export const STORE_CHUNK = 250;
/**
 * Events validated (and redacted) between two turns of the event loop. Validating a 1,000-event batch
 * in one go holds the only thread for tens of milliseconds, and every other request's next step (its
 * key lookup, its rate-limit count, its commit) waits behind it; in slices, a small request's steps
 * pass between the slices of the big ones. A small batch (≤ SMALL_BATCH events, 1–2 ms of work) is
 * one slice: a turn of the loop in its middle only let big requests' steps in ahead of it, and under
 * load that turn cost it up to tens of milliseconds.
 */
export const VALIDATE_SLICE = SMALL_BATCH;

export interface FieldError {
  path: string;
  message: string;
}

export type EventOutcome =
  | { index: number; status: "accepted" | "duplicate"; id: string; client_id: string | null }
  | { index: number; status: "rejected"; client_id: string | null; errors: FieldError[] };

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: EventOutcome[];
}

function issuesToErrors(issues: z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return { path: path || "(event)", message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` };
    }
    return { path: path || "(event)", message: issue.message };
  });
}

/** Path of the first string (value or key) holding a NUL character, which Postgres text cannot store. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return `${path}.${k.replaceAll("\u0000", "\\u0000")}`;
      const found = findNul(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

/** Validates one raw event: the envelope of its kind, then the time bounds. */
export function validateEvent(
  raw: unknown,
  now = Date.now(),
  /** checkNul false: the caller knows no string holds a NUL (the body had no \u0000 escape). */
  options: { checkNul?: boolean } = {},
): { ok: true; event: EventEnvelope } | { ok: false; errors: FieldError[] } {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, errors: [{ path: "(event)", message: "an event must be a JSON object" }] };
  }
  const kind = (raw as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(eventKinds as readonly string[]).includes(kind)) {
    return {
      ok: false,
      errors: [
        { path: "kind", message: `unknown kind ${JSON.stringify(kind ?? null)}; expected one of ${eventKinds.join(", ")}` },
      ],
    };
  }
  const parsed = eventInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues) };
  const nul = options.checkNul === false ? null : findNul(parsed.data, "");
  if (nul) return { ok: false, errors: [{ path: nul.slice(1), message: "must not contain NUL (\\u0000) characters" }] };
  const at = Date.parse(parsed.data.occurred_at);
  if (at > now + MAX_FUTURE_MS) {
    return { ok: false, errors: [{ path: "occurred_at", message: "is more than 24 hours in the future" }] };
  }
  if (at < now - MAX_AGE_DAYS * 86_400_000) {
    return { ok: false, errors: [{ path: "occurred_at", message: `is more than ${MAX_AGE_DAYS} days in the past` }] };
  }
  return { ok: true, event: parsed.data };
}

export type RejectedOutcome = Extract<EventOutcome, { status: "rejected" }>;

/** One store transaction's worth of valid rows, encoded, with where each row came from in the request. */
export interface PreparedChunk {
  store: PreparedStore;
  /** Per row of the chunk: its index in the request. */
  rowIndex: number[];
  /** Per row of the chunk: an interaction still lacking intent or response type. */
  unlabelled: boolean[];
}

/** A request's events validated, redacted and encoded: plain data, made on whichever thread. */
export interface PreparedBatch {
  total: number;
  rejected: RejectedOutcome[];
  chunks: PreparedChunk[];
}

/**
 * Validates each raw event against its kind's schema, redacts the valid ones and encodes them in
 * chunks of STORE_CHUNK. A generator that pauses every VALIDATE_SLICE events: on the event loop the
 * caller yields to other requests there (runSliced), on an ingest thread it runs straight (runToEnd).
 */
export function* prepareBatch(
  events: unknown[],
  options: { now: number; redactor: Redactor | null; mayContainNul?: boolean },
): Generator<void, PreparedBatch> {
  const rejected: RejectedOutcome[] = [];
  const rows: IngestRow[] = [];
  const rowIndex: number[] = [];
  for (let index = 0; index < events.length; index++) {
    if (index > 0 && index % VALIDATE_SLICE === 0) yield;
    const raw = events[index];
    const clientId = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : null;
    const checked = validateEvent(raw, options.now, { checkNul: options.mayContainNul !== false });
    if (!checked.ok) {
      rejected.push({ index, status: "rejected", client_id: clientId, errors: checked.errors });
      continue;
    }
    rows.push(toRow(checked.event, options.redactor));
    rowIndex.push(index);
  }
  const chunks: PreparedChunk[] = [];
  for (let i = 0; i < rows.length; i += STORE_CHUNK) {
    if (i > 0) yield;
    const chunk = rows.slice(i, i + STORE_CHUNK);
    chunks.push({
      store: prepareStore(chunk),
      rowIndex: rowIndex.slice(i, i + STORE_CHUNK),
      unlabelled: chunk.map((r) => r.kind === "interaction" && (r.intent == null || r.response_type == null)),
    });
  }
  return { total: events.length, rejected, chunks };
}

/** Runs a sliced preparation on the event loop, letting other requests' steps run between slices. */
export async function runSliced<T>(work: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    await yieldToLoop();
  }
}

/** Runs a sliced preparation in one go (on an ingest thread, where nothing else waits). */
export function runToEnd<T>(work: Generator<void, T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

export interface IngestDeps {
  db: Db;
  gate?: IngestGate;
  onUnlabelled?: (tenantId: string, eventIds: string[]) => Promise<void>;
}

/** Receives the phases' durations in ms: validate, queue (waiting at the gate), store. */
export type IngestTiming = (name: "validate" | "queue" | "store", ms: number) => void;

/**
 * Ingests a batch for one tenant: validates each event against its kind's schema, redacts, stores the
 * valid ones (storeBatch: idempotent by client id) and reports each event's outcome in request order.
 * Returns after the commits. Interactions still lacking intent or response type are handed to
 * classification.
 */
export async function ingestEvents(
  deps: IngestDeps,
  input: { tenantId: string; events: unknown[]; redactor: Redactor | null; mayContainNul?: boolean; timing?: IngestTiming },
): Promise<IngestResult> {
  const validateStarted = performance.now();
  const batch = await runSliced(
    prepareBatch(input.events, { now: Date.now(), redactor: input.redactor, mayContainNul: input.mayContainNul }),
  );
  input.timing?.("validate", performance.now() - validateStarted);
  return storeBatch(deps, { tenantId: input.tenantId, batch, timing: input.timing });
}

/**
 * Stores a prepared batch in transactions of at most STORE_CHUNK events, each taking its turn at the
 * gate: a small request then never waits behind more than one chunk of a big one. Every chunk commits
 * before the answer; a client id repeated across chunks is still reported as a duplicate of the first.
 */
export async function storeBatch(
  deps: IngestDeps,
  input: { tenantId: string; batch: PreparedBatch; timing?: IngestTiming },
): Promise<IngestResult> {
  const { batch } = input;
  const results: EventOutcome[] = new Array(batch.total);
  for (const r of batch.rejected) results[r.index] = r;
  const unlabelled: string[] = [];
  let queued = 0;
  let storing = 0;
  for (const chunk of batch.chunks) {
    const waitStarted = performance.now();
    const store = () => {
      const storeStarted = performance.now();
      queued += storeStarted - waitStarted;
      return storePrepared(deps.db, { tenantId: input.tenantId, prepared: chunk.store }).finally(() => {
        storing += performance.now() - storeStarted;
      });
    };
    const stored = deps.gate ? await deps.gate.run(chunk.rowIndex.length, store) : await store();
    stored.forEach((outcome, i) => {
      const index = chunk.rowIndex[i]!;
      const client_id = chunk.store.clientIds[i] ?? null;
      results[index] = { index, status: outcome.duplicate ? "duplicate" : "accepted", id: outcome.id, client_id };
      if (!outcome.duplicate && chunk.unlabelled[i]) unlabelled.push(outcome.id);
    });
  }
  input.timing?.("queue", queued);
  input.timing?.("store", storing);
  if (unlabelled.length > 0 && deps.onUnlabelled) await deps.onUnlabelled(input.tenantId, unlabelled);

  let accepted = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === "accepted") accepted++;
    else if (r.status === "duplicate") duplicates++;
  }
  return { accepted, duplicates, rejected: results.length - accepted - duplicates, results };
}

/** 200 when nothing was rejected, 400 when everything was, 207 when outcomes are mixed. */
export function ingestStatus(result: IngestResult): 200 | 207 | 400 {
  if (result.rejected === 0) return 200;
  if (result.rejected === result.results.length) return 400;
  return 207;
}
