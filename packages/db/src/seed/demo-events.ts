import type { NewEvent } from "../queries/events";
import { createRandom, type Random } from "./random";

export interface DemoPerson {
  id: string;
  name: string;
  email: string;
}

const questions = [
  ["how_to", "How do I create a data product from the orders table?", "rag_answer"],
  ["how_to", "How can I add an owner to the revenue dashboard?", "rag_answer"],
  ["how_to", "how do i schedule a dbt sync every night", "rag_answer"],
  ["troubleshooting", "My Snowflake connector is failing with timeout errors since this morning", "connector_troubleshoot"],
  ["troubleshooting", "The BI sync keeps failing with 'permission denied on schema analytics'", "connector_troubleshoot"],
  ["troubleshooting", "Why did the freshness test on stg_payments fail?", "rag_answer"],
  ["conceptual", "What is a trust flag?", "direct"],
  ["conceptual", "What's the difference between a monitor and a test?", "direct"],
  ["conceptual", "Explain column-level lineage", "rag_answer"],
  ["other", "Thanks, that worked!", "direct"],
] as const;

const answers: Record<string, string> = {
  rag_answer:
    "Here is what I found in your catalog:\n\n1. Open **Catalog → Tables** and select the table.\n2. Choose **Create data product**.\n3. Add an owner and a description, then **Publish**.\n\nSources: `orders` (certified), *Data products guide*.",
  connector_troubleshoot:
    "The connector's last three runs failed with `timeout after 300s`. This usually means the warehouse is suspended or the network policy blocks Logbook's IP.\n\n- Check that the warehouse auto-resumes.\n- Raise the query timeout in **Integrations → Snowflake → Advanced**.",
  direct:
    "A **trust flag** marks an asset as endorsed, warned or deprecated, so people searching the catalog know whether to rely on it.",
  error: "Sorry, something went wrong while answering. Please try again.",
};

const models = [
  ["anthropic/claude-sonnet-4.5", 5],
  ["openai/gpt-5-mini", 4],
  ["google/gemini-3-flash-preview", 3],
  ["meta/llama-4-70b", 1],
] as const;

/**
 * A few thousand realistic events of all three kinds over the last `days` days: user activity of
 * `people`, system syncs and deliveries, AI interactions in chat sessions and automation steps.
 */
export function demoEvents(people: DemoPerson[], options: { now?: Date; days?: number; seed?: number } = {}): NewEvent[] {
  const now = (options.now ?? new Date()).getTime();
  const days = options.days ?? 14;
  const r = createRandom(options.seed ?? 42);
  const out: NewEvent[] = [];
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const span = days * 86_400_000;
  const ips = ["203.0.113.10", "198.51.100.7", "192.0.2.44", "203.0.113.87"];

  // User activity: sign-ins and configuration changes during working hours.
  for (let i = 0; i < 900; i++) {
    const who = r.pick(people);
    const ago = r.int(60_000, span);
    const type = r.weighted([
      ["user.login", 30],
      ["user.logout", 12],
      ["login.failed", 5],
      ["test.created", 6],
      ["test.updated", 5],
      ["test.deleted", 2],
      ["alert_rule.created", 3],
      ["alert_rule.archived", 2],
      ["incident.acknowledged", 4],
      ["incident.resolved", 4],
      ["incident.assigned", 3],
      ["metadata.owner_changed", 3],
      ["metadata.tags_changed", 3],
      ["integration.created", 1],
      ["integration.deleted", 1],
      ["member.invited", 1],
      ["member.role_changed", 1],
    ] as const);
    const [targetType, targetName] = targetFor(type, r);
    out.push({
      kind: "user_activity",
      type,
      occurredAt: at(ago),
      status: type === "login.failed" ? "failure" : "success",
      actorId: who.id,
      actorEmail: who.email,
      actorName: who.name,
      actorType: "user",
      ip: r.pick(ips),
      targetType,
      targetName,
      targetId: targetName ? r.id(targetType ?? "obj") : null,
      source: "web",
      metadata: type === "login.failed" ? { reason: "invalid_credentials" } : { via: r.pick(["web", "api"]) },
    });
  }

  // System: syncs started/finished per source, alert deliveries, retention and export runs.
  for (let d = 0; d < days * 24; d += 2) {
    for (const source of ["dbt", "dwh", "bi"] as const) {
      if (!r.chance(0.6)) continue;
      const ago = d * 3_600_000 + r.int(0, 3_600_000);
      if (ago > span) continue;
      const duration = r.int(20_000, 900_000);
      const failed = r.chance(0.07);
      out.push({
        kind: "system",
        type: `sync.${source}.started`,
        occurredAt: at(ago + duration),
        status: "in_progress",
        source,
        actorType: "system",
        metadata: { run_id: r.id("run") },
      });
      out.push({
        kind: "system",
        type: `sync.${source}.${failed ? "failed" : "finished"}`,
        occurredAt: at(ago),
        status: failed ? "failure" : "success",
        source,
        durationMs: duration,
        actorType: "system",
        metadata: failed
          ? { error: "timeout after 300s", run_id: r.id("run") }
          : { rows: r.int(100, 500_000), run_id: r.id("run") },
      });
    }
    if (r.chance(0.5)) {
      const dest = r.pick(["slack", "email", "pagerduty", "webhook"]);
      out.push({
        kind: "system",
        type: "alert.delivered",
        occurredAt: at(d * 3_600_000 + r.int(0, 7_000_000)),
        status: r.chance(0.95) ? "success" : "failure",
        source: dest,
        targetType: "alert_rule",
        targetName: r.pick(["Freshness: orders", "Volume: events", "Schema change: payments"]),
        metadata: { destination: dest },
      });
    }
  }

  // Interactions: chat sessions of several turns.
  for (let s = 0; s < 420; s++) {
    const who = r.pick(people);
    const session = r.id("chat");
    const start = r.int(120_000, span);
    const turns = r.int(1, 5);
    const model = r.weighted(models);
    const source = r.weighted([
      ["chat", 6],
      ["agent", 3],
      ["api", 1],
      ["code", 1],
    ] as const);
    const agent =
      source === "agent" ? r.pick(["catalog-assistant", "alamigo", "sql-helper"]) : source === "chat" ? "ask-logbook" : null;
    for (let t = 0; t < turns; t++) {
      const [intent, question, baseType] = r.pick(questions);
      const isError = r.chance(0.06);
      const responseType = isError ? "error" : baseType;
      const input = r.int(200, 4000);
      const output = isError ? 0 : r.int(80, 1800);
      const tools =
        responseType === "rag_answer"
          ? [
              { name: "search_catalog", type: "tool", count: r.int(1, 3) },
              { name: "get_data_schema", type: "tool", count: r.int(0, 2) },
            ]
          : responseType === "connector_troubleshoot"
            ? [{ name: "get_connector_runs", type: "tool", count: r.int(1, 2) }]
            : [];
      if (agent === "alamigo") tools.push({ name: "alamigo", type: "agent", count: 1 });
      const labelled = r.chance(0.7);
      out.push({
        kind: "interaction",
        type: "ai.interaction",
        occurredAt: at(start - t * r.int(20_000, 240_000)),
        status: isError ? "failure" : "success",
        actorId: who.id,
        actorEmail: who.email,
        actorName: who.name,
        actorType: "user",
        sessionId: session,
        model,
        agent,
        source,
        platform: r.weighted([
          ["web", 6],
          ["slack", 2],
          ["vscode", 1],
          ["api", 1],
        ] as const),
        protocol: r.chance(0.8) ? "http" : "mcp",
        productArea: r.pick(["catalog", "agent_studio", "data_quality"]),
        tier: r.chance(0.7) ? "paid" : "free",
        inputTokens: input,
        outputTokens: output,
        isError,
        toolCalls: tools.filter((x) => x.count > 0),
        intent: labelled ? intent : null,
        responseType: labelled ? responseType : null,
        sentiment: r.chance(0.25) ? (isError || r.chance(0.2) ? "negative" : "positive") : null,
        traceId: r.id("trace"),
        question,
        answer: answers[responseType] ?? null,
        metadata: { customer: { plan: r.pick(["pro", "team", "enterprise"]) }, latency_ms: r.int(300, 12_000) },
      });
    }
  }

  // Automation steps: journeys, chatbots, AI agents and inbox conversations.
  for (let i = 0; i < 260; i++) {
    const person = r.id("person");
    const interaction = r.id("ix");
    const base = r.int(60_000, span);
    const journey = r.pick(["Welcome journey", "Cart recovery", "Support triage"]);
    const steps = [
      ["journey.started", "journey", null],
      ["journey.message.sent", "journey", "Send welcome email"],
      ["chatbot.dialogue.started", "chatbot", "FAQ bot"],
      ["ai_agent.responded", "ai_agent", "Support agent"],
      ["conversation.assigned", "conversation", "Inbox"],
    ] as const;
    const count = r.int(2, steps.length);
    const conversation = count >= 5 ? r.id("conv") : null;
    for (let k = 0; k < count; k++) {
      const [type, occurredIn, element] = steps[k]!;
      out.push({
        kind: "interaction",
        type,
        occurredAt: at(base - k * r.int(5_000, 90_000)),
        status: r.chance(0.93) ? "success" : r.pick(["failure", "in_progress"]),
        actorType: type === "conversation.assigned" ? "user" : "agent",
        actorName: type === "conversation.assigned" ? r.pick(people).name : journey,
        occurredIn,
        targetType: occurredIn,
        targetName: occurredIn === "journey" ? journey : element,
        targetVersion: `v${r.int(1, 7)}`,
        element,
        personId: person,
        interactionId: interaction,
        conversationId: occurredIn === "conversation" ? conversation : null,
        source: "automation",
        metadata: { channel: r.pick(["email", "whatsapp", "sms", "web"]) },
      });
    }
  }
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

function targetFor(type: string, r: Random): [string | null, string | null] {
  const [object] = type.split(".");
  switch (object) {
    case "test":
      return ["test", r.pick(["not_null: orders.id", "freshness: stg_payments", "unique: customers.email"])];
    case "alert_rule":
      return ["alert_rule", r.pick(["Freshness: orders", "Volume: events"])];
    case "incident":
      return ["incident", `INC-${r.int(100, 999)}`];
    case "metadata":
      return ["table", r.pick(["analytics.orders", "analytics.customers", "raw.payments"])];
    case "integration":
      return ["integration", r.pick(["Snowflake", "dbt Cloud", "Looker"])];
    case "member":
      return ["member", r.pick(["dev@acme.example", "ops@acme.example"])];
    default:
      return [null, null];
  }
}
