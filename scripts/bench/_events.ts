import { randomUUID } from "node:crypto";
import { createRandom } from "@logbook/db/seed/random";

const words = "catalog warehouse lineage freshness schema connector dashboard metric owner table column policy sync alert".split(
  " ",
);

/**
 * Realistic ingest events: mixed kinds, ~600 B of metadata each, 10% interactions with content,
 * client ids for idempotency.
 */
export function benchEvents(count: number, seed: number): Record<string, unknown>[] {
  const r = createRandom(seed);
  const now = Date.now();
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const metadata = {
      request_id: randomUUID(),
      workspace: { id: `ws_${r.int(1, 50)}`, region: r.pick(["eu-west-1", "us-east-1"]), plan: r.pick(["pro", "team"]) },
      tags: Array.from({ length: 6 }, () => r.pick(words)),
      note: Array.from({ length: 40 }, () => r.pick(words)).join(" "),
      attempt: r.int(1, 3),
    };
    // One person, one id and one email, as in real traffic.
    const user = r.int(1, 200);
    const base = { id: randomUUID(), occurred_at: new Date(now - r.int(0, 3_600_000)).toISOString(), metadata };
    const roll = r.next();
    if (roll < 0.1) {
      out.push({
        ...base,
        kind: "interaction",
        type: "ai.interaction",
        actor: { id: `u_${user}`, email: `user${user}@example.com` },
        session_id: `chat_${r.int(1, 5000)}`,
        model: r.pick(["openai/gpt-5-mini", "anthropic/claude-sonnet-4.5"]),
        agent: "catalog-assistant",
        source: "chat",
        platform: "web",
        protocol: "http",
        input_tokens: r.int(100, 3000),
        output_tokens: r.int(50, 1500),
        intent: "how_to",
        response_type: "rag_answer",
        tool_calls: [{ name: "search_catalog", count: 2 }],
        question: "How do I create a data product from the orders table and publish it to the catalog?",
        answer: "Open Catalog → Tables, select the table, choose Create data product, add an owner and publish. ".repeat(3),
      });
    } else if (roll < 0.55) {
      out.push({
        ...base,
        kind: "user_activity",
        type: r.pick(["user.login", "test.updated", "incident.resolved"]),
        status: "success",
        actor: { id: `u_${user}`, email: `user${user}@example.com`, ip: "203.0.113.9" },
        target: { type: "test", name: "freshness: orders" },
      });
    } else {
      out.push({
        ...base,
        kind: "system",
        type: r.pick(["sync.dbt.started", "sync.dwh.finished", "alert.delivered"]),
        status: "success",
        source: r.pick(["dbt", "dwh", "slack"]),
        duration_ms: r.int(100, 90_000),
      });
    }
  }
  return out;
}
