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

  return withTenant(db, tenantId, async (tx) => {
    // Claimed in client-id order: two requests claiming the same ids in different orders would
    // otherwise each wait on a row the other holds (a deadlock, and a 500 for one of them).
    const withClientId = candidates
      .filter((i) => rows[i]!.client_id != null)
      .sort((a, b) => (rows[a]!.client_id! < rows[b]!.client_id! ? -1 : 1));
    const stored = new Set(candidates);
    if (withClientId.length > 0) {
      const claims = JSON.stringify(
        withClientId.map((i) => ({ c: rows[i]!.client_id, e: rows[i]!.id, t: rows[i]!.occurred_at })),
      );
      const claimed = await tx.execute<{ client_id: string }>(sql`
        INSERT INTO event_client_ids (tenant_id, client_id, event_id, occurred_at)
        SELECT ${tenantId}, x.c, x.e, x.t FROM json_to_recordset(${claims}::json) AS x(c text, e uuid, t timestamptz)
        ON CONFLICT (tenant_id, client_id) DO NOTHING
        RETURNING client_id`);
      const claimedIds = new Set(claimed.rows.map((r) => r.client_id));
      const taken = withClientId.filter((i) => !claimedIds.has(rows[i]!.client_id!));
      if (taken.length > 0) {
        const existing = await tx.execute<{ client_id: string; event_id: string }>(sql`
          SELECT client_id, event_id FROM event_client_ids
          WHERE tenant_id = ${tenantId}
            AND client_id IN (SELECT value FROM json_array_elements_text(${JSON.stringify(taken.map((i) => rows[i]!.client_id))}::json))`);
        const byClientId = new Map(existing.rows.map((r) => [r.client_id, r.event_id]));
        for (const i of taken) {
          stored.delete(i);
          outcomes[i] = { id: byClientId.get(rows[i]!.client_id!) ?? rows[i]!.id, duplicate: true };
        }
        // Later in-batch duplicates point at the stored original too.
        rows.forEach((r, i) => {
          if (outcomes[i]!.duplicate && r.client_id && byClientId.has(r.client_id)) {
            outcomes[i] = { id: byClientId.get(r.client_id)!, duplicate: true };
          }
        });
      }
    }

    const toStore = candidates.filter((i) => stored.has(i)).map((i) => rows[i]!);
    if (toStore.length > 0) {
      const eventsJson = JSON.stringify(
        toStore.map(({ question, answer, ...r }) => ({
          ...r,
          redacted: r.redacted ?? false,
          has_content: question != null || answer != null,
        })),
      );
      await tx.execute(sql`
        INSERT INTO events (tenant_id, received_at, ${sql.raw(eventCols)})
        SELECT ${tenantId}, now(), ${sql.raw(eventSelect)}
        FROM json_populate_recordset(NULL::events, ${eventsJson}::json) r`);
      const contents = toStore.filter((r) => r.question != null || r.answer != null);
      if (contents.length > 0) {
        await tx.execute(sql`
          INSERT INTO event_contents (tenant_id, event_id, occurred_at, question, answer)
          SELECT ${tenantId}, r.id, r.occurred_at, r.question, r.answer
          FROM json_to_recordset(${JSON.stringify(
            contents.map((r) => ({
              id: r.id,
              occurred_at: r.occurred_at,
              question: r.question ?? null,
              answer: r.answer ?? null,
            })),
          )}::json) AS r(id uuid, occurred_at timestamptz, question text, answer text)`);
      }
    }
    return outcomes;
  });
}
