import type { ClassificationSettings, StoredLabel } from "@logbook/shared/jobs/classification";
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import type { Tx } from "../tenant";
import { withTenant } from "../tenant";

/** What the classifier reads of one interaction: its labels so far, tool calls, error flag, content. */
export interface InteractionToLabel {
  id: string;
  /** Postgres text form, passed back unchanged so the write finds the row by its exact key. */
  occurredAt: string;
  intent: string | null;
  responseType: string | null;
  labels: Record<string, StoredLabel> | null;
  isError: boolean | null;
  toolCalls: { name: string; type?: string; count?: number }[] | null;
  redacted: boolean;
  question: string | null;
  answer: string | null;
}

/** The labels the worker proposes for one interaction; the write keeps what clients or feedback set. */
export interface ProposedLabels {
  id: string;
  occurredAt: string;
  intent: string;
  intentLabel: StoredLabel;
  responseType: string;
  responseLabel: StoredLabel;
}

/** Content is read only as far as the classifier looks at it. */
const CONTENT_CHARS = 2000;

const selectInteraction = sql.raw(`
  e.id, e.occurred_at::text AS "occurredAt", e.intent, e.response_type AS "responseType", e.labels,
  e.is_error AS "isError", e.tool_calls AS "toolCalls", e.redacted,
  left(c.question, ${CONTENT_CHARS}) AS question, left(c.answer, ${CONTENT_CHARS}) AS answer
  FROM events e
  LEFT JOIN LATERAL (
    SELECT question, answer FROM event_contents c
    WHERE c.tenant_id = e.tenant_id AND c.occurred_at = e.occurred_at AND c.event_id = e.id LIMIT 1
  ) c ON e.has_content`);

/**
 * Runs `fn` with hash and merge joins off: the batch's rows (a JSON recordset) must drive
 * primary-key probes per partition; the planner's estimates under RLS otherwise pick a hash
 * join that scans every event of the tenant.
 */
async function keyProbes<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  await tx.execute(sql`SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`);
  try {
    return await fn();
  } finally {
    await tx.execute(sql`SELECT set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)`);
  }
}

/** Of `ids`, the tenant's interactions still lacking intent or response type (the partial index). */
export async function readUnlabelledInteractions(
  tx: Tx,
  input: { tenantId: string; ids: string[] },
): Promise<InteractionToLabel[]> {
  if (input.ids.length === 0) return [];
  const result = await tx.execute<InteractionToLabel & Record<string, unknown>>(sql`
    SELECT ${selectInteraction}
    WHERE e.tenant_id = ${input.tenantId} AND e.id = ANY(string_to_array(${input.ids.join(",")}, ',')::uuid[])
      AND e.kind = 'interaction' AND (e.intent IS NULL OR e.response_type IS NULL)`);
  return result.rows;
}

/** The next `limit` interactions of a period after the cursor, in (occurred_at, id) order. */
export async function readInteractionsAfter(
  tx: Tx,
  input: { tenantId: string; from: Date; to: Date; after: { occurredAt: string; id: string } | null; limit: number },
): Promise<InteractionToLabel[]> {
  const { tenantId, from, to, after, limit } = input;
  const cursor = after ? sql`AND (e.occurred_at, e.id) > (${after.occurredAt}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await tx.execute<InteractionToLabel & Record<string, unknown>>(sql`
    SELECT ${selectInteraction}
    WHERE e.tenant_id = ${tenantId} AND e.kind = 'interaction'
      AND e.occurred_at >= ${from.toISOString()}::timestamptz AND e.occurred_at < ${to.toISOString()}::timestamptz ${cursor}
    ORDER BY e.occurred_at, e.id
    LIMIT ${limit}`);
  return result.rows;
}

// A label is the client's when its label says so, or when the column was set without a label (events
// stored before labels recorded their source). Feedback outranks the model for intent.
const intentKept = `coalesce(coalesce(e.labels->'intent'->>'source', CASE WHEN e.intent IS NOT NULL THEN 'client' END) IN ('client', 'feedback'), false)`;
const responseKept = `coalesce(coalesce(e.labels->'response_type'->>'source', CASE WHEN e.response_type IS NOT NULL THEN 'client' END) = 'client', false)`;

/**
 * Writes model/rule labels in one UPDATE (one pass of the rollup statement triggers). Precedence is
 * decided in the statement itself, on the row version it updates, so a concurrent feedback or a
 * client label is never overwritten; rows whose labels would not change are not touched.
 * Returns the number of events changed.
 */
export async function writeProposedLabels(tx: Tx, input: { tenantId: string; labels: ProposedLabels[] }): Promise<number> {
  if (input.labels.length === 0) return 0;
  const rows = JSON.stringify(
    input.labels.map((l) => ({
      id: l.id,
      occurred_at: l.occurredAt,
      intent: l.intent,
      intent_label: l.intentLabel,
      response_type: l.responseType,
      response_label: l.responseLabel,
    })),
  );
  const result = await keyProbes(tx, () =>
    tx.execute(sql`
    UPDATE events e SET
      intent = CASE WHEN ${sql.raw(intentKept)} THEN e.intent ELSE r.intent END,
      response_type = CASE WHEN ${sql.raw(responseKept)} THEN e.response_type ELSE r.response_type END,
      labels = coalesce(e.labels, '{}'::jsonb)
        || CASE WHEN ${sql.raw(intentKept)} THEN '{}'::jsonb ELSE jsonb_build_object('intent', r.intent_label) END
        || CASE WHEN ${sql.raw(responseKept)} THEN '{}'::jsonb ELSE jsonb_build_object('response_type', r.response_label) END
    FROM json_to_recordset(${rows}::json)
      AS r(id uuid, occurred_at timestamptz, intent text, intent_label jsonb, response_type text, response_label jsonb)
    WHERE e.tenant_id = ${input.tenantId} AND e.occurred_at = r.occurred_at AND e.id = r.id
      AND ((NOT ${sql.raw(intentKept)} AND (e.intent IS DISTINCT FROM r.intent OR e.labels->'intent' IS DISTINCT FROM r.intent_label))
        OR (NOT ${sql.raw(responseKept)}
            AND (e.response_type IS DISTINCT FROM r.response_type OR e.labels->'response_type' IS DISTINCT FROM r.response_label)))`),
  );
  return result.rowCount ?? 0;
}

/** A tenant's classification settings as saved ({} = defaults), inside the caller's tenant transaction. */
export async function readClassificationSettings(tx: Tx, input: { tenantId: string }): Promise<ClassificationSettings> {
  const result = await tx.execute<{ classification: ClassificationSettings }>(
    sql`SELECT classification FROM tenant_settings WHERE tenant_id = ${input.tenantId}`,
  );
  return result.rows[0]?.classification ?? {};
}

export async function getClassificationSettings(db: Db, input: { tenantId: string }): Promise<ClassificationSettings> {
  return withTenant(db, input.tenantId, (tx) => readClassificationSettings(tx, input));
}

export async function saveClassificationSettings(
  db: Db,
  input: { tenantId: string; settings: ClassificationSettings; updatedBy: string },
): Promise<void> {
  await withTenant(db, input.tenantId, (tx) =>
    tx.execute(sql`
      INSERT INTO tenant_settings (tenant_id, classification, updated_by) VALUES (${input.tenantId}, ${JSON.stringify(input.settings)}::jsonb, ${input.updatedBy})
      ON CONFLICT (tenant_id) DO UPDATE SET classification = excluded.classification, updated_by = excluded.updated_by, updated_at = now()`),
  );
}

/**
 * Tenants that may have interactions left unlabelled (from the rollups, which the owner reads across
 * tenants), then per tenant the ids of those received before `receivedBefore` (a hand-off that never
 * arrived), at most `limit`.
 */
export async function tenantsWithUnlabelled(db: Db): Promise<string[]> {
  const result = await db.execute<{ tenant_id: string }>(sql`
    SELECT tenant_id FROM event_rollups
    WHERE kind = 'interaction' AND (intent IS NULL OR response_type IS NULL) AND events > 0
    UNION
    SELECT tenant_id FROM event_rollup_deltas
    WHERE kind = 'interaction' AND (intent IS NULL OR response_type IS NULL) AND events > 0`);
  return result.rows.map((r) => r.tenant_id);
}

export async function unlabelledInteractionIds(
  db: Db,
  input: { tenantId: string; receivedBefore: Date; limit: number },
): Promise<string[]> {
  return withTenant(db, input.tenantId, async (tx) => {
    const result = await tx.execute<{ id: string }>(sql`
      SELECT id FROM events
      WHERE tenant_id = ${input.tenantId} AND kind = 'interaction' AND (intent IS NULL OR response_type IS NULL)
        AND received_at < ${input.receivedBefore.toISOString()}::timestamptz
      LIMIT ${input.limit}`);
    return result.rows.map((r) => r.id);
  });
}
