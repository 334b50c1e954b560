import type { OptionColumn } from "@logbook/shared/filter-options";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { filterOptions } from "../src/queries/event-options";
import { NOW, seedTenants } from "./event-filter-fixtures";

let handle: DbHandle;
let tenantA: string;
let tenantB: string;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  ({ tenantA, tenantB } = await seedTenants(handle.db));
});
afterAll(() => handle.close());

async function options(
  column: OptionColumn,
  filter: EventFilterInput = {},
  extra: { tenantId?: string; limit?: number; canReadContent?: boolean } = {},
) {
  const result = await filterOptions(handle.db, {
    tenantId: extra.tenantId ?? tenantA,
    filter: eventFilterSchema.parse(filter),
    column,
    now: NOW,
    limit: extra.limit,
    canReadContent: extra.canReadContent ?? true,
  });
  expect(result.column).toBe(column);
  return result.values;
}

describe("filterOptions", () => {
  it("lists the values that occur in the period with counts, most frequent first, nulls left out", async () => {
    expect(await options("kind")).toEqual([
      { value: "system", count: 6 },
      { value: "interaction", count: 3 },
      { value: "user_activity", count: 2 },
    ]);
    expect(await options("kind", { period: "all" })).toEqual([
      { value: "system", count: 9 },
      { value: "interaction", count: 3 },
      { value: "user_activity", count: 2 },
    ]);
    expect(await options("status")).toEqual([
      { value: "ok", count: 3 },
      { value: "failed", count: 1 },
    ]);
    expect(await options("model", { period: "1h" })).toEqual([]);
  });

  it("ignores the filter on its own column so the alternatives stay on offer", async () => {
    const models = [
      { value: "openai/gpt-5-mini", count: 2 },
      { value: "anthropic/claude", count: 1 },
    ];
    expect(await options("model")).toEqual(models);
    expect(await options("model", { model: "anthropic/claude" })).toEqual(models);
    expect(await options("kind", { kind: "system" })).toEqual(await options("kind"));
    expect(await options("isError", { isError: true })).toEqual([
      { value: false, count: 10 },
      { value: true, count: 1 },
    ]);
  });

  it("honours every other filter", async () => {
    expect(await options("model", { isError: true })).toEqual([{ value: "anthropic/claude", count: 1 }]);
    expect(await options("model", { kind: "system" })).toEqual([]);
    expect(await options("kind", { model: "anthropic/claude", kind: "system" })).toEqual([{ value: "interaction", count: 1 }]);
    expect(await options("source", { status: "ok" })).toEqual([
      { value: "dbt", count: 1 },
      { value: "web", count: 1 },
    ]);
    expect(await options("status", { metadata: [{ path: ["customer", "plan"], value: "pro" }] })).toEqual([
      { value: "ok", count: 2 },
    ]);
  });

  it("applies search only for callers allowed to read content", async () => {
    expect(await options("model", { search: "password" })).toEqual([{ value: "openai/gpt-5-mini", count: 1 }]);
    expect(await options("model", { search: "password" }, { canReadContent: false })).toHaveLength(2);
  });

  it("offers actors by email, ignoring both actor filters", async () => {
    const actors = [
      { value: "alice@example.com", count: 1 },
      { value: "bob@corp.test", count: 1 },
    ];
    expect(await options("actor")).toEqual(actors);
    expect(await options("actor", { actor: "alice" })).toEqual(actors);
    expect(await options("actor", { actorId: "usr_2" })).toEqual(actors);
    expect(await options("actor", { status: "ok" })).toEqual([actors[0]]);
  });

  it("breaks ties by value and honours the limit", async () => {
    expect(await options("type", {}, { limit: 3 })).toEqual([
      { value: "ai.interaction", count: 3 },
      { value: "alert.delivered", count: 1 },
      { value: "api_key.created", count: 1 },
    ]);
    expect(await options("type", {}, { limit: 0 })).toHaveLength(1);
    expect(await options("type", {}, { limit: 10_000 })).toHaveLength(9);
  });

  it("offers every column of the whitelist", async () => {
    const expected: [OptionColumn, string][] = [
      ["agent", "catalog"],
      ["platform", "slack"],
      ["protocol", "mcp"],
      ["productArea", "lineage"],
      ["tier", "enterprise"],
      ["responseType", "rag_answer"],
      ["intent", "troubleshooting"],
      ["sentiment", "positive"],
      ["occurredIn", "chatbot"],
      ["targetName", "Sales, EMEA"],
      ["targetVersion", "v2"],
      ["element", "search_box"],
      ["sessionId", "sess_2"],
    ];
    for (const [column, value] of expected) {
      expect(await options(column), column).toContainEqual({ value, count: 1 });
    }
  });

  it("never shows another tenant's events", async () => {
    expect(await options("actor", {}, { tenantId: tenantB })).toEqual([{ value: "alice@example.com", count: 1 }]);
    expect(await options("model", {}, { tenantId: tenantB })).toEqual([{ value: "openai/gpt-5-mini", count: 1 }]);
    expect(await options("kind", {}, { tenantId: `t_none_${tenantA}` })).toEqual([]);
  });
});
