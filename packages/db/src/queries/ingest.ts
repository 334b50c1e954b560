import type { Db } from "../client";
import { ensurePartitions } from "./partitions";

/** One validated, redacted event ready to store, in column names (snake_case). */
export interface IngestRow {
  id: string;
  client_id: string | null;
  occurred_at: string;
  kind: string;
  type: string;
  status?: string | null;
  actor_id?: string | null;
  actor_email?: string | null;
  actor_name?: string | null;
  actor_type?: string | null;
  ip?: string | null;
  target_type?: string | null;
  target_id?: string | null;
  target_name?: string | null;
  target_version?: string | null;
  source?: string | null;
  trace_id?: string | null;
  duration_ms?: number | null;
  session_id?: string | null;
  model?: string | null;
  agent?: string | null;
  platform?: string | null;
  protocol?: string | null;
  product_area?: string | null;
  tier?: string | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  is_error?: boolean | null;
  tool_calls?: unknown;
  occurred_in?: string | null;
  element?: string | null;
  person_id?: string | null;
  interaction_id?: string | null;
  conversation_id?: string | null;
  redacted?: boolean;
  /** Set by prepareStore from question/answer. */
  has_content?: boolean;
  metadata?: unknown;
  intent?: string | null;
  response_type?: string | null;
  sentiment?: string | null;
  labels?: unknown;
  question?: string | null;
  answer?: string | null;
}

export type StoreOutcome = { id: string; duplicate: boolean };

/** The columns an ingested event sets: logbook_store_events (migration 0009) inserts exactly these. */
export const EVENT_COLUMNS = [
  "id",
  "occurred_at",
  "kind",
  "type",
  "client_id",
  "status",
  "actor_id",
  "actor_email",
  "actor_name",
  "actor_type",
  "ip",
  "target_type",
  "target_id",
  "target_name",
  "target_version",
  "source",
  "trace_id",
  "duration_ms",
  "session_id",
  "model",
  "agent",
  "platform",
  "protocol",
  "product_area",
  "tier",
  "input_tokens",
  "output_tokens",
  "is_error",
  "tool_calls",
  "occurred_in",
  "element",
  "person_id",
  "interaction_id",
  "conversation_id",
  "has_content",
  "redacted",
  "metadata",
  "intent",
  "response_type",
  "sentiment",
  "labels",
] as const;

/**
 * A chunk ready to store: the in-batch duplicates already decided, the rows encoded as the JSON
 * parameters of logbook_store_events. Plain data (strings and arrays), so it can be made on another
 * thread than the one that stores it.
 */
export interface PreparedStore {
  /** Per input row, in order: its id, or the id of an earlier row of the batch with its client id. */
  outcomes: StoreOutcome[];
  clientIds: (string | null)[];
  /** Earliest and latest occurred_at of the rows (ISO), for the partitions they need. */
  min: string;
  max: string;
  eventsJson: string;
  contentsJson: string;
}

/**
 * Prepares a batch for storePrepared: within the batch the first event of a client id wins and later
 * ones are duplicates of it; the others are encoded as JSON. Pure, no database.
 */
export function prepareStore(rows: IngestRow[]): PreparedStore {
  let min = rows[0]?.occurred_at ?? "";
  let max = min;
  for (const r of rows) {
    if (r.occurred_at < min) min = r.occurred_at;
    if (r.occurred_at > max) max = r.occurred_at;
  }
  const outcomes: StoreOutcome[] = rows.map((r) => ({ id: r.id, duplicate: false }));
  const firstByClientId = new Map<string, number>();
  const toStore: IngestRow[] = [];
  rows.forEach((r, i) => {
    if (r.client_id != null) {
      const first = firstByClientId.get(r.client_id);
      if (first !== undefined) {
        outcomes[i] = { id: rows[first]!.id, duplicate: true };
        return;
      }
      firstByClientId.set(r.client_id, i);
    }
    toStore.push(r);
  });
  // The rows go as they are: json_populate_recordset ignores keys that are no column (question,
  // answer). Copying each row without them (object rest) cost three times the JSON encoding itself.
  for (const r of toStore) {
    r.has_content = r.question != null || r.answer != null;
    r.redacted ??= false;
  }
  return {
    outcomes,
    clientIds: rows.map((r) => r.client_id),
    min,
    max,
    eventsJson: JSON.stringify(toStore),
    contentsJson: JSON.stringify(
      toStore
        .filter((r) => r.question != null || r.answer != null)
        .map((r) => ({ id: r.id, question: r.question ?? null, answer: r.answer ?? null })),
    ),
  };
}

/**
 * Stores a batch for one tenant in one transaction and reports, in input order, each event's id and
 * whether it was a duplicate of an event already stored under the same client id (the stored event's
 * id is returned then). Race-safe: two requests with the same client ids store each event once.
 * Rows travel as one JSON parameter (json_populate_recordset), not one parameter per value, to one
 * function call (logbook_store_events): a single round trip, its own transaction, committed on return.
 */
export async function storeEvents(db: Db, input: { tenantId: string; rows: IngestRow[] }): Promise<StoreOutcome[]> {
  if (input.rows.length === 0) return [];
  return storePrepared(db, { tenantId: input.tenantId, prepared: prepareStore(input.rows) });
}

/** storeEvents' database half: stores a prepared batch (see prepareStore). */
export async function storePrepared(db: Db, input: { tenantId: string; prepared: PreparedStore }): Promise<StoreOutcome[]> {
  const { tenantId, prepared } = input;
  if (prepared.outcomes.length === 0) return [];
  await ensurePartitions(db, new Date(prepared.min), new Date(prepared.max));
  // One round trip (migration 0009): the tenant's role and setting, the claims, the events and their
  // content in one statement; the client ids already claimed come back with their stored event's id.
  const duplicates = await db.$client.query<{ client_id: string; event_id: string }>(
    "SELECT client_id, event_id FROM logbook_store_events($1, $2::json, $3::json)",
    [tenantId, prepared.eventsJson, prepared.contentsJson],
  );
  const outcomes = prepared.outcomes.slice();
  if (duplicates.rows.length > 0) {
    const byClientId = new Map(duplicates.rows.map((r) => [r.client_id, r.event_id]));
    // The taken ones and their later in-batch repeats point at the stored original.
    prepared.clientIds.forEach((clientId, i) => {
      const original = clientId != null ? byClientId.get(clientId) : undefined;
      if (original) outcomes[i] = { id: original, duplicate: true };
    });
  }
  return outcomes;
}
