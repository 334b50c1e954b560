import { randomUUID } from "node:crypto";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import type { Db } from "../src/client";
import { insertEvents, type NewEvent } from "../src/queries/events";
import { listEventsFiltered } from "../src/queries/list-events-filtered";
import { ensurePartitions } from "../src/queries/partitions";

/**
 * A small, varied dataset for the filter tests. Each event's client_id names it, so a test can state
 * which events a filter selects. Times are minutes before NOW unless noted.
 */
export const SECRET = "test-cursor-secret-0123456789";
export const NOW = new Date();
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

const interaction = { kind: "interaction", type: "ai.interaction" } as const;

export const tenantAEvents: (NewEvent & { clientId: string })[] = [
  {
    clientId: "u1",
    kind: "user_activity",
    type: "user.login",
    occurredAt: ago(5),
    status: "ok",
    actorId: "usr_1",
    actorEmail: "alice@example.com",
    actorName: "Alice Martin",
    ip: "203.0.113.9",
    source: "web",
    metadata: { customer: { plan: "pro" }, latency_ms: 120 },
  },
  {
    clientId: "u2",
    kind: "user_activity",
    type: "user.logout",
    occurredAt: ago(10),
    actorId: "usr_2",
    actorEmail: "bob@corp.test",
    actorName: "Bob_Stone",
    metadata: { customer: { plan: "free" }, latency_ms: "slow" },
  },
  {
    clientId: "s1",
    kind: "system",
    type: "sync.dbt.finished",
    occurredAt: ago(15),
    status: "ok",
    source: "dbt",
    targetName: "Sales, EMEA",
    targetVersion: "v2",
    durationMs: 1200,
    metadata: { latency_ms: 900 },
  },
  {
    clientId: "s2",
    kind: "system",
    type: "sync.fivetran.failed",
    occurredAt: ago(20),
    status: "failed",
    source: "fivetran",
    durationMs: 90_000,
    metadata: { latency_ms: 500 },
  },
  {
    clientId: "s3",
    kind: "system",
    type: "alert.delivered",
    occurredAt: ago(25),
    status: "ok",
    metadata: { customer: { plan: "pro", seats: 10 }, beta: true },
  },
  { clientId: "s4", kind: "system", type: "syncx.other", occurredAt: ago(30) },
  { clientId: "s5", kind: "system", type: "apixkey.created", occurredAt: ago(35) },
  { clientId: "s6", kind: "system", type: "api_key.created", occurredAt: ago(40) },
  {
    ...interaction,
    clientId: "i1",
    occurredAt: ago(70),
    sessionId: "sess_1",
    interactionId: "int_1",
    conversationId: "conv_1",
    personId: "p_1",
    traceId: "tr_1",
    toolCalls: [
      { name: "search_catalog", type: "tool", count: 2 },
      { name: "get_data_schema", type: "tool", count: 1 },
    ],
    model: "openai/gpt-5-mini",
    agent: "catalog",
    platform: "slack",
    protocol: "http",
    productArea: "catalog",
    tier: "enterprise",
    inputTokens: 100,
    outputTokens: 50,
    isError: false,
    occurredIn: "chatbot",
    element: "search_box",
    intent: "how_to",
    responseType: "rag_answer",
    sentiment: "positive",
    question: "How do I reset my password?",
    answer: "Use the 100% reliable reset_link.",
  },
  {
    ...interaction,
    clientId: "i2",
    occurredAt: ago(80),
    sessionId: "sess_2",
    model: "anthropic/claude",
    agent: "support",
    platform: "web",
    protocol: "mcp",
    productArea: "lineage",
    tier: "free",
    inputTokens: 1000,
    outputTokens: 500,
    isError: true,
    occurredIn: "ai_agent",
    element: "chat",
    intent: "troubleshooting",
    responseType: "error",
    sentiment: "negative",
    question: "Why did the sync fail?",
    answer: "Timeout",
  },
  { ...interaction, clientId: "i3", occurredAt: ago(90), model: "openai/gpt-5-mini", outputTokens: 20 },
  { clientId: "old3d", kind: "system", type: "sync.dbt.started", occurredAt: ago(3 * 1440) },
  { clientId: "old10d", kind: "system", type: "cleanup.done", occurredAt: ago(10 * 1440) },
  { clientId: "old40d", kind: "system", type: "cleanup.done", occurredAt: ago(40 * 1440) },
];

/** Tenant B holds look-alikes of A's events; none may ever show up in A's results. */
export const tenantBEvents: (NewEvent & { clientId: string })[] = [
  { ...tenantAEvents[0]!, clientId: "b1" },
  { ...tenantAEvents[8]!, clientId: "b2" },
];

export async function seedTenants(db: Db) {
  const tenantA = `t_fa_${randomUUID()}`;
  const tenantB = `t_fb_${randomUUID()}`;
  await ensurePartitions(db, new Date(NOW.getTime() - 45 * 86_400_000), new Date(NOW.getTime() + 86_400_000));
  await insertEvents(db, { tenantId: tenantA, events: tenantAEvents });
  await insertEvents(db, { tenantId: tenantB, events: tenantBEvents });
  return { tenantA, tenantB };
}

/** The client ids (sorted) of every event a filter selects, over all pages. */
export async function namesOf(
  db: Db,
  tenantId: string,
  input: EventFilterInput,
  options: { canReadContent?: boolean } = {},
): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const filter = eventFilterSchema.parse({ ...input, cursor, limit: 500 });
    const page = await listEventsFiltered(db, {
      tenantId,
      filter,
      secret: SECRET,
      now: NOW,
      canReadContent: options.canReadContent ?? true,
    });
    names.push(...page.items.map((i) => i.clientId!));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names.sort();
}
