import { randomUUID } from "node:crypto";
import type { Db } from "@logbook/db/client";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { setTenantPlan } from "@logbook/db/queries/tenant-settings";
import type { Plan } from "@logbook/shared/plans";
import { sql } from "drizzle-orm";
import { type App, BASE_URL, ownerWithOrg } from "./helpers";

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: (
    | { index: number; status: "accepted" | "duplicate"; id: string; client_id: string | null }
    | { index: number; status: "rejected"; client_id: string | null; errors: { path: string; message: string }[] }
  )[];
}

/** An organization of its own with an API key (and, when given, a plan) for one test file. */
export async function tenantWithKey(app: App, db: Db, label: string, plan?: Plan) {
  const { org, user } = await ownerWithOrg(app, label);
  const { key, apiKey } = await createApiKey(db, { tenantId: org.id, name: `${label} key`, createdBy: user.id });
  if (plan) await setTenantPlan(db, { tenantId: org.id, plan });
  return { tenantId: org.id, key, keyId: apiKey.id, user };
}

/** POST /v1/events with `key`; `body` is sent as is when a string, else as JSON. */
export function postEvents(app: App, key: string | null, body: unknown, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { "content-type": "application/json", ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  return app.request(`${BASE_URL}/v1/events`, {
    method: "POST",
    headers: h,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A recent timestamp (ingest refuses events far in the past or future). */
export function recent(offsetMs = 0): string {
  return new Date(Date.now() - 60_000 + offsetMs).toISOString();
}

export function activity(overrides: Record<string, unknown> = {}) {
  return {
    kind: "user_activity",
    type: "user.login",
    occurred_at: recent(),
    actor: { id: "u-1", email: "ada@example.com" },
    ...overrides,
  };
}

export function systemEvent(overrides: Record<string, unknown> = {}) {
  return { kind: "system", type: "sync.dbt.started", occurred_at: recent(), source: "scheduler", ...overrides };
}

export function interaction(overrides: Record<string, unknown> = {}) {
  return {
    kind: "interaction",
    type: "chat.answer",
    occurred_at: recent(),
    model: "gpt-test",
    question: "How do I connect Postgres?",
    answer: "Open Settings, then Connections.",
    ...overrides,
  };
}

/** A client id unique to this run. */
export function clientId(label = "evt"): string {
  return `${label}-${randomUUID()}`;
}

export interface StoredRow {
  id: string;
  client_id: string | null;
  kind: string;
  type: string;
  source: string | null;
  redacted: boolean;
  has_content: boolean;
  metadata: Record<string, unknown> | null;
  intent: string | null;
  response_type: string | null;
  labels: Record<string, { source: string }> | null;
}

/** Ingested events of a tenant (audit events of Logbook itself left out), oldest first. */
export async function storedEvents(db: Db, tenantId: string): Promise<StoredRow[]> {
  const r = await db.execute(sql`
    SELECT id::text, client_id, kind, type, source, redacted, has_content, metadata, intent, response_type, labels
    FROM events WHERE tenant_id = ${tenantId} AND source IS DISTINCT FROM 'logbook'
    ORDER BY occurred_at, id`);
  return r.rows as unknown as StoredRow[];
}

/** How many events of the tenant carry each of the given client ids. */
export async function countByClientId(db: Db, tenantId: string, clientIds: string[]): Promise<Map<string, number>> {
  const r = await db.execute(sql`
    SELECT client_id, count(*)::int AS n FROM events
    WHERE tenant_id = ${tenantId} AND client_id IN (SELECT value FROM json_array_elements_text(${JSON.stringify(clientIds)}::json))
    GROUP BY client_id`);
  return new Map((r.rows as { client_id: string; n: number }[]).map((row) => [row.client_id, row.n]));
}

/** The stored content of an event, or null when it has no event_contents row. */
export async function contentOf(db: Db, tenantId: string, eventId: string) {
  const r = await db.execute(
    sql`SELECT question, answer FROM event_contents WHERE tenant_id = ${tenantId} AND event_id = ${eventId}::uuid`,
  );
  return (r.rows[0] as { question: string | null; answer: string | null } | undefined) ?? null;
}
