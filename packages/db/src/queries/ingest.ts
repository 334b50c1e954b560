import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { withTenant } from "../tenant";
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
  /** Set by storeEvents from question/answer. */
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

const EVENT_COLUMNS = [
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
const eventCols = EVENT_COLUMNS.join(", ");
const eventSelect = EVENT_COLUMNS.map((c) => `r.${c}`).join(", ");

/**
 * Stores a batch for one tenant in one transaction and reports, in input order, each event's id and
 * whether it was a duplicate of an event already stored under the same client id (the stored event's
 * id is returned then). Race-safe: two requests with the same client ids store each event once.
 * Rows travel as one JSON parameter (json_populate_recordset), not one parameter per value.
 */
export async function storeEvents(db: Db, input: { tenantId: string; rows: IngestRow[] }): Promise<StoreOutcome[]> {
  const { tenantId, rows } = input;
  if (rows.length === 0) return [];
  let min = rows[0]!.occurred_at;
  let max = min;
  for (const r of rows) {
    if (r.occurred_at < min) min = r.occurred_at;
    if (r.occurred_at > max) max = r.occurred_at;
  }
  await ensurePartitions(db, new Date(min), new Date(max));

  // Within the batch, the first event of a client id wins; later ones are duplicates of it.
  const outcomes: StoreOutcome[] = rows.map((r) => ({ id: r.id, duplicate: false }));
  const firstByClientId = new Map<string, number>();
  const candidates: number[] = [];
  rows.forEach((r, i) => {
    if (r.client_id == null) {
      candidates.push(i);
      return;
    }
    const first = firstByClientId.get(r.client_id);
    if (first === undefined) {
      firstByClientId.set(r.client_id, i);
      candidates.push(i);
    } else outcomes[i] = { id: rows[first]!.id, duplicate: true };
  });

  const toStore = candidates.map((i) => rows[i]!);
  // The rows go as they are: json_populate_recordset ignores keys that are no column (question,
  // answer). Copying each row without them (object rest) cost three times the JSON encoding itself.
  for (const r of toStore) {
    r.has_content = r.question != null || r.answer != null;
    r.redacted ??= false;
  }
  const eventsJson = JSON.stringify(toStore);
  const contentsJson = JSON.stringify(
    toStore
      .filter((r) => r.question != null || r.answer != null)
      .map((r) => ({ id: r.id, question: r.question ?? null, answer: r.answer ?? null })),
  );

  return withTenant(db, tenantId, async (tx) => {
    // One statement: claim the client ids (in client-id order, so racing requests lock in the same
    // order and never deadlock), store the events whose id was claimed or that have none, and their
    // content. An id already claimed — by an earlier request, or one racing this — is a duplicate.
    const claimed = await tx.execute<{ client_id: string }>(sql`
      WITH input AS MATERIALIZED (
        SELECT * FROM json_populate_recordset(NULL::events, ${eventsJson}::json)
      ), claimed AS (
        INSERT INTO event_client_ids (tenant_id, client_id, event_id, occurred_at)
        SELECT ${tenantId}, client_id, id, occurred_at FROM input WHERE client_id IS NOT NULL ORDER BY client_id
        ON CONFLICT (tenant_id, client_id) DO NOTHING
        RETURNING client_id
      ), stored AS (
        INSERT INTO events (tenant_id, received_at, ${sql.raw(eventCols)})
        SELECT ${tenantId}, now(), ${sql.raw(eventSelect)} FROM input r
        WHERE r.client_id IS NULL OR r.client_id IN (SELECT client_id FROM claimed)
        RETURNING id, occurred_at
      ), contents AS (
        INSERT INTO event_contents (tenant_id, event_id, occurred_at, question, answer)
        SELECT ${tenantId}, s.id, s.occurred_at, c.question, c.answer
        FROM stored s JOIN json_to_recordset(${contentsJson}::json) AS c(id uuid, question text, answer text) ON c.id = s.id
      )
      SELECT client_id FROM claimed`);
    const claimedIds = new Set(claimed.rows.map((r) => r.client_id));
    const taken = candidates.filter((i) => rows[i]!.client_id != null && !claimedIds.has(rows[i]!.client_id!));
    if (taken.length > 0) {
      const existing = await tx.execute<{ client_id: string; event_id: string }>(sql`
        SELECT client_id, event_id FROM event_client_ids
        WHERE tenant_id = ${tenantId}
          AND client_id IN (SELECT value FROM json_array_elements_text(${JSON.stringify(taken.map((i) => rows[i]!.client_id))}::json))`);
      const byClientId = new Map(existing.rows.map((r) => [r.client_id, r.event_id]));
      // The taken ones and their later in-batch repeats point at the stored original.
      rows.forEach((r, i) => {
        const original = r.client_id != null ? byClientId.get(r.client_id) : undefined;
        if (original) outcomes[i] = { id: original, duplicate: true };
      });
    }
    return outcomes;
  });
}
