import { describe, expect, it } from "vitest";
import { eventInputSchema } from "./events";
import { uuidv7 } from "./ids";

describe("event envelope", () => {
  it("accepts one event of each kind", () => {
    const occurred_at = "2026-11-20T08:15:00Z";
    expect(
      eventInputSchema.safeParse({ kind: "user_activity", type: "user.login", occurred_at, actor: { email: "a@b.c" } }).success,
    ).toBe(true);
    expect(eventInputSchema.safeParse({ kind: "system", type: "sync.dbt.started", occurred_at, source: "dbt" }).success).toBe(
      true,
    );
    const interaction = eventInputSchema.safeParse({
      kind: "interaction",
      type: "ai.interaction",
      occurred_at,
      model: "openai/gpt-5-mini",
      input_tokens: 10,
      output_tokens: 20,
      tool_calls: [{ name: "search_catalog" }],
      question: "What is a trust flag?",
    });
    expect(interaction.success).toBe(true);
    if (interaction.success && interaction.data.kind === "interaction") {
      expect(interaction.data.tool_calls).toEqual([{ name: "search_catalog", type: "tool", count: 1 }]);
    }
  });

  it("rejects an unknown kind, a bad timestamp and interaction fields on other kinds, with paths", () => {
    const unknownKind = eventInputSchema.safeParse({ kind: "audit", type: "x", occurred_at: "2026-11-20T08:15:00Z" });
    expect(unknownKind.success).toBe(false);
    expect(unknownKind.error?.issues[0]?.path).toEqual(["kind"]);

    const badTime = eventInputSchema.safeParse({ kind: "system", type: "x", occurred_at: "yesterday" });
    expect(badTime.error?.issues[0]?.path).toEqual(["occurred_at"]);

    const misplaced = eventInputSchema.safeParse({ kind: "system", type: "x", occurred_at: "2026-11-20T08:15:00Z", model: "m" });
    expect(misplaced.success).toBe(false);
  });

  it("limits field sizes", () => {
    const long = eventInputSchema.safeParse({
      kind: "system",
      type: "x",
      occurred_at: "2026-11-20T08:15:00Z",
      source: "s".repeat(300),
    });
    expect(long.error?.issues[0]?.path).toEqual(["source"]);
  });
});

describe("uuidv7", () => {
  it("is a version-7 UUID ordered by time", () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });
});
