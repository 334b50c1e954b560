// Demo-like events for `pnpm bench web`: the demo workspace's kinds, people, models and journeys,
// COPYed straight into `events` (the rollup triggers record their deltas).
import type { Random } from "@logbook/db/seed/random";
import { copySeedEvents, seededUuid7 } from "./_copy-seed";

const DAY = 86_400_000;
const HALF_DAY = DAY / 2;

// ---------------------------------------------------------------------------------------------------
// Seeding: demo-like events straight into `events` (COPY); the rollup triggers record their deltas.

const COLS = [
  "tenant_id",
  "id",
  "occurred_at",
  "kind",
  "type",
  "status",
  "actor_id",
  "actor_email",
  "actor_name",
  "actor_type",
  "ip",
  "target_type",
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
  "metadata",
  "intent",
  "response_type",
  "sentiment",
] as const;
type Row = Partial<Record<(typeof COLS)[number], string | number | boolean | null>>;

const firstNames = "Ann Ben Chloe Dev Eli Fay Gus Hana Ivan Jo Kai Lena Milo Nia Omar Pia Quinn Rosa Sven Tara".split(" ");
const lastNames = "Lee Kim Patel Novak Silva Berg Costa Dubois Ito Khan Meyer Rossi Sato Weber Young".split(" ");
const models = [
  ["anthropic/claude-sonnet-4.5", 5],
  ["openai/gpt-5-mini", 4],
  ["google/gemini-3-flash-preview", 3],
  ["meta/llama-4-70b", 1],
  ["openai/gpt-5", 1],
  ["mistral/large-3", 1],
] as const;
const questionKinds = [
  ["how_to", "rag_answer"],
  ["troubleshooting", "connector_troubleshoot"],
  ["troubleshooting", "rag_answer"],
  ["conceptual", "direct"],
  ["other", "direct"],
] as const;
const userTypes = [
  ["user.login", 30],
  ["user.logout", 12],
  ["login.failed", 5],
  ["test.created", 6],
  ["test.updated", 5],
  ["incident.acknowledged", 4],
  ["incident.resolved", 4],
  ["metadata.owner_changed", 3],
  ["alert_rule.created", 3],
  ["member.invited", 1],
] as const;
const steps = [
  ["journey.started", "journey", null],
  ["journey.message.sent", "journey", "Send welcome email"],
  ["chatbot.dialogue.started", "chatbot", "FAQ bot"],
  ["ai_agent.responded", "ai_agent", "Support agent"],
  ["conversation.assigned", "conversation", "Inbox"],
] as const;

/** One demo-like event: ~72 % interactions (chat turns and automation steps), the rest activity and system. */
function demoLikeEvent(r: Random): Row {
  const n = r.int(1, 400);
  const person = {
    id: `u_${n}`,
    email: `${r.pick(firstNames).toLowerCase()}${n}@acme.example`,
    name: `${firstNames[n % 20]} ${lastNames[n % 15]}`,
  };
  const kind = r.weighted([
    ["interaction", 72],
    ["user_activity", 17],
    ["system", 11],
  ] as const);
  if (kind === "user_activity") {
    const type = r.weighted(userTypes);
    const object = type.split(".")[0]!;
    return {
      kind,
      type,
      status: type === "login.failed" ? "failure" : "success",
      actor_id: person.id,
      actor_email: person.email,
      actor_name: person.name,
      actor_type: "user",
      ip: `203.0.113.${r.int(1, 254)}`,
      target_type: object === "user" || object === "login" ? null : object,
      target_name:
        object === "user" || object === "login" ? null : r.pick(["Freshness: orders", "Volume: events", "revenue dashboard"]),
      source: "web",
      metadata: JSON.stringify(type === "login.failed" ? { reason: "invalid_credentials" } : { via: r.pick(["web", "api"]) }),
    };
  }
  if (kind === "system") {
    const source = r.pick(["dbt", "dwh", "bi", "slack"]);
    const failed = r.chance(0.07);
    const type = source === "slack" ? "alert.delivered" : `sync.${source}.${r.pick(["started", failed ? "failed" : "finished"])}`;
    return {
      kind,
      type,
      status: type.endsWith("started") ? "in_progress" : failed ? "failure" : "success",
      actor_type: "system",
      source,
      duration_ms: type.endsWith("started") ? null : r.int(20_000, 900_000),
      metadata: JSON.stringify({ run_id: r.id("run"), rows: r.int(100, 500_000) }),
    };
  }
  if (r.chance(0.15)) {
    const [type, occurredIn, element] = r.pick(steps);
    return {
      kind,
      type,
      status: r.chance(0.93) ? "success" : r.pick(["failure", "in_progress"]),
      actor_type: type === "conversation.assigned" ? "user" : "agent",
      actor_name: type === "conversation.assigned" ? person.name : r.pick(["Welcome journey", "Cart recovery", "Support triage"]),
      occurred_in: occurredIn,
      target_type: occurredIn,
      target_name: element ?? "Welcome journey",
      target_version: `v${r.int(1, 7)}`,
      element,
      person_id: `person_${r.int(1, 50_000)}`,
      interaction_id: `ix_${r.int(1, 200_000)}`,
      conversation_id: occurredIn === "conversation" ? `conv_${r.int(1, 30_000)}` : null,
      source: "automation",
      metadata: JSON.stringify({ channel: r.pick(["email", "whatsapp", "sms", "web"]) }),
    };
  }
  const source = r.weighted([
    ["chat", 6],
    ["agent", 3],
    ["api", 1],
    ["code", 1],
  ] as const);
  const isError = r.chance(0.06);
  const [intent, baseType] = r.pick(questionKinds);
  const responseType = isError ? "error" : baseType;
  const tools =
    responseType === "rag_answer"
      ? [
          { name: "search_catalog", type: "tool", count: r.int(1, 3) },
          { name: "get_data_schema", type: "tool", count: r.int(1, 2) },
        ]
      : responseType === "connector_troubleshoot"
        ? [{ name: "get_connector_runs", type: "tool", count: r.int(1, 2) }]
        : [];
  const labelled = r.chance(0.7);
  return {
    kind,
    type: "ai.interaction",
    status: isError ? "failure" : "success",
    actor_id: person.id,
    actor_email: person.email,
    actor_name: person.name,
    actor_type: "user",
    source,
    trace_id: r.id("trace"),
    session_id: `chat_${r.int(1, 150_000)}`,
    model: r.weighted(models),
    agent: source === "agent" ? r.pick(["catalog-assistant", "alamigo", "sql-helper"]) : source === "chat" ? "ask-logbook" : null,
    platform: r.weighted([
      ["web", 6],
      ["slack", 2],
      ["vscode", 1],
      ["api", 1],
    ] as const),
    protocol: r.chance(0.8) ? "http" : "mcp",
    product_area: r.pick(["catalog", "agent_studio", "data_quality"]),
    tier: r.chance(0.7) ? "paid" : "free",
    input_tokens: r.int(200, 4000),
    output_tokens: isError ? 0 : r.int(80, 1800),
    is_error: isError,
    tool_calls: tools.length ? JSON.stringify(tools) : null,
    metadata: JSON.stringify({ customer: { plan: r.pick(["pro", "team", "enterprise"]) }, latency_ms: r.int(300, 12_000) }),
    intent: labelled ? intent : null,
    response_type: labelled ? responseType : null,
    sentiment: r.chance(0.25) ? (isError || r.chance(0.2) ? "negative" : "positive") : null,
  };
}

/** Seeds `count` demo-like events of `tenantId` over the last 30 days, busier in working hours. */
export async function seedDemoLikeEvents(databaseUrl: string, tenantId: string, count: number) {
  const now = Date.now();
  const seconds = await copySeedEvents(databaseUrl, {
    columns: COLS,
    total: count,
    seed: 7000,
    every: 200_000,
    row: (r) => {
      // Over 30 days, busier in working hours (UTC 7–19), nothing in the last minute.
      let at = now - 60_000 - Math.floor(r.next() * 30 * DAY);
      const hour = new Date(at).getUTCHours();
      if ((hour < 7 || hour > 19) && r.chance(0.5)) at += at - HALF_DAY > now - 30 * DAY ? -HALF_DAY : HALF_DAY;
      const row: Row = {
        ...demoLikeEvent(r),
        tenant_id: tenantId,
        id: seededUuid7(at, r),
        occurred_at: new Date(at).toISOString(),
      };
      return COLS.map((c) => row[c]);
    },
  });
  console.log(`seeded ${count.toLocaleString("en")} events over 30 days in ${seconds} s`);
}
