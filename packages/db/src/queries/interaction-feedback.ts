import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { withTenant } from "../tenant";

/** Forgets applied feedback after a day and feedback whose interaction never arrived after 30 days. */
export async function pruneInteractionFeedback(db: Db): Promise<number> {
  const result = await db.execute(sql`
    DELETE FROM interaction_feedback
    WHERE (applied_at IS NOT NULL AND applied_at < now() - interval '1 day') OR created_at < now() - interval '30 days'`);
  return result.rowCount ?? 0;
}

/** Tenants with feedback not yet applied (received in the last 30 days; older unresolved feedback is dropped). */
export async function tenantsWithPendingFeedback(db: Db): Promise<string[]> {
  const result = await db.execute<{ tenant_id: string }>(sql`
    SELECT DISTINCT tenant_id FROM interaction_feedback
    WHERE applied_at IS NULL AND created_at > now() - interval '30 days'`);
  return result.rows.map((r) => r.tenant_id);
}

// Sentiment sent by the client is kept; otherwise the latest feedback (by its occurred_at) wins.
const sentimentKept = `coalesce(coalesce(e.labels->'sentiment'->>'source', CASE WHEN e.sentiment IS NOT NULL THEN 'client' END) = 'client', false)`;
const sentimentNewer = `coalesce((e.labels->'sentiment'->>'at')::timestamptz <= l.at, true)`;
const intentKept = `coalesce(coalesce(e.labels->'intent'->>'source', CASE WHEN e.intent IS NOT NULL THEN 'client' END) = 'client', false)`;
const intentNewer = `coalesce(e.labels->'intent'->>'source' <> 'feedback' OR (e.labels->'intent'->>'at')::timestamptz <= l.at, true)`;
const setSentiment = `NOT ${sentimentKept} AND ${sentimentNewer}`;
const setIntent = `l.intent IS NOT NULL AND NOT ${intentKept} AND ${intentNewer}`;

/**
 * Applies a tenant's pending feedback to the interactions it references (by the interaction's client
 * id), whichever arrived first: feedback whose interaction is not stored yet stays pending and is
 * applied by a later call. Sets sentiment (and intent when the feedback corrects it) with source
 * `feedback`, never over a client's label. Returns how many feedback rows were resolved and how many
 * events changed.
 */
export async function applyPendingFeedback(
  db: Db,
  input: { tenantId: string; limit?: number },
): Promise<{ resolved: number; changed: number }> {
  const { tenantId } = input;
  return withTenant(db, tenantId, async (tx) => {
    const result = await tx.execute<{ resolved: number; changed: number }>(sql`
      WITH pending AS MATERIALIZED (
        SELECT f.ref, f.feedback_id, f.occurred_at AS at, f.sentiment, f.intent, f.comment, c.event_id, c.occurred_at
        FROM interaction_feedback f
        JOIN event_client_ids c ON c.tenant_id = f.tenant_id AND c.client_id = f.ref
        WHERE f.tenant_id = ${tenantId} AND f.applied_at IS NULL AND f.created_at > now() - interval '30 days'
        ORDER BY f.created_at
        LIMIT ${input.limit ?? 1000}
      ), latest AS (
        SELECT DISTINCT ON (event_id) * FROM pending ORDER BY event_id, at DESC, feedback_id DESC
      ), changed AS (
        UPDATE events e SET
          sentiment = CASE WHEN ${sql.raw(setSentiment)} THEN l.sentiment ELSE e.sentiment END,
          intent = CASE WHEN ${sql.raw(setIntent)} THEN l.intent ELSE e.intent END,
          labels = coalesce(e.labels, '{}'::jsonb)
            || CASE WHEN ${sql.raw(setSentiment)} THEN jsonb_build_object('sentiment', jsonb_strip_nulls(jsonb_build_object(
                 'source', 'feedback', 'feedback_id', l.feedback_id, 'at', l.at, 'comment', l.comment))) ELSE '{}'::jsonb END
            || CASE WHEN ${sql.raw(setIntent)} THEN jsonb_build_object('intent', jsonb_build_object(
                 'source', 'feedback', 'feedback_id', l.feedback_id, 'at', l.at, 'confidence', 1)) ELSE '{}'::jsonb END
        FROM latest l
        WHERE e.tenant_id = ${tenantId} AND e.occurred_at = l.occurred_at AND e.id = l.event_id AND e.kind = 'interaction'
          AND ((${sql.raw(setSentiment)} AND (e.sentiment IS DISTINCT FROM l.sentiment OR e.labels->'sentiment'->>'feedback_id' IS DISTINCT FROM l.feedback_id::text))
            OR (${sql.raw(setIntent)} AND (e.intent IS DISTINCT FROM l.intent OR e.labels->'intent'->>'source' IS DISTINCT FROM 'feedback')))
        RETURNING e.id
      ), resolved AS (
        UPDATE interaction_feedback f SET applied_at = now()
        FROM pending p
        WHERE f.tenant_id = ${tenantId} AND f.ref = p.ref AND f.feedback_id = p.feedback_id
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM resolved)::int AS resolved, (SELECT count(*) FROM changed)::int AS changed`);
    return result.rows[0] ?? { resolved: 0, changed: 0 };
  });
}
