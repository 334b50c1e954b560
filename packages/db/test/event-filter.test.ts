import type { EventFilterInput } from "@logbook/shared/filters";
import { eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { listEventsFiltered } from "../src/queries/list-events-filtered";
import { NOW, namesOf, SECRET, seedTenants } from "./event-filter-fixtures";

let handle: DbHandle;
let tenantA: string;
let tenantB: string;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  ({ tenantA, tenantB } = await seedTenants(handle.db));
});
afterAll(() => handle.close());

const names = (filter: EventFilterInput, canReadContent = true) => namesOf(handle.db, tenantA, filter, { canReadContent });
const recent = ["i1", "i2", "i3", "s1", "s2", "s3", "s4", "s5", "s6", "u1", "u2"];
const except = (...out: string[]) => recent.filter((n) => !out.includes(n));

describe("period", () => {
  it("defaults to the last 24 hours and honours every preset", async () => {
    expect(await names({})).toEqual(recent);
    expect(await names({ period: "1h" })).toEqual(except("i1", "i2", "i3"));
    expect(await names({ period: "6h" })).toEqual(recent);
    expect(await names({ period: "7d" })).toEqual([...recent, "old3d"].sort());
    expect(await names({ period: "30d" })).toEqual([...recent, "old10d", "old3d"].sort());
    expect(await names({ period: "all" })).toEqual([...recent, "old10d", "old3d", "old40d"].sort());
  });

  it("takes a custom range [from, to)", async () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
    expect(await names({ period: { from: at(4 * 1440), to: at(2 * 1440) } })).toEqual(["old3d"]);
    expect(await names({ period: { from: at(20), to: at(10) } })).toEqual(["s1", "s2"]);
  });
});

describe("column filters", () => {
  it("filters kind and status, one or many", async () => {
    expect(await names({ kind: "user_activity" })).toEqual(["u1", "u2"]);
    expect(await names({ kind: ["user_activity", "interaction"] })).toEqual(["i1", "i2", "i3", "u1", "u2"]);
    expect(await names({ status: ["failed"] })).toEqual(["s2"]);
    expect(await names({ status: ["ok", "failed"] })).toEqual(["s1", "s2", "s3", "u1"]);
  });

  it("filters type exactly and by prefix, with LIKE wildcards taken literally", async () => {
    expect(await names({ type: "user.login" })).toEqual(["u1"]);
    expect(await names({ type: ["sync.*"], period: "all" })).toEqual(["old3d", "s1", "s2"]);
    expect(await names({ type: ["sync.dbt.*", "alert.delivered"], period: "all" })).toEqual(["old3d", "s1", "s3"]);
    expect(await names({ type: "api_key.*" })).toEqual(["s6"]);
  });

  it("matches actor id, email or name partially and case-insensitively", async () => {
    expect(await names({ actor: "ALICE" })).toEqual(["u1"]);
    expect(await names({ actor: "corp.test" })).toEqual(["u2"]);
    expect(await names({ actor: "usr_" })).toEqual(["u1", "u2"]);
    expect(await names({ actor: "b_s" })).toEqual(["u2"]);
    expect(await names({ actor: "%" })).toEqual([]);
    expect(await names({ actorId: "usr_1" })).toEqual(["u1"]);
    expect(await names({ actorId: "usr" })).toEqual([]);
  });

  const exact: [EventFilterInput, string[]][] = [
    [{ targetName: "Sales, EMEA" }, ["s1"]],
    [{ targetVersion: "v2" }, ["s1"]],
    [{ element: ["search_box", "chat"] }, ["i1", "i2"]],
    [{ sessionId: "sess_2" }, ["i2"]],
    [{ interactionId: "int_1" }, ["i1"]],
    [{ conversationId: "conv_1" }, ["i1"]],
    [{ personId: "p_1" }, ["i1"]],
    [{ traceId: "tr_1" }, ["i1"]],
    [{ model: "openai/gpt-5-mini" }, ["i1", "i3"]],
    [{ agent: "support" }, ["i2"]],
    [{ source: ["dbt", "web"] }, ["s1", "u1"]],
    [{ platform: "slack" }, ["i1"]],
    [{ occurredIn: "ai_agent" }, ["i2"]],
    [{ protocol: "mcp" }, ["i2"]],
    [{ productArea: "catalog" }, ["i1"]],
    [{ tier: "enterprise" }, ["i1"]],
    [{ responseType: "error" }, ["i2"]],
    [{ intent: "how_to" }, ["i1"]],
    [{ sentiment: ["negative"] }, ["i2"]],
    [{ ip: "203.0.113.9" }, ["u1"]],
    [{ toolName: "get_data_schema" }, ["i1"]],
    [{ toolName: ["nope", "search_catalog"] }, ["i1"]],
    [{ toolName: 'x"}]' }, []],
  ];
  it.each(exact)("filters %o", async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it("filters the error flag (no flag counts as not an error)", async () => {
    expect(await names({ isError: true })).toEqual(["i2"]);
    expect(await names({ isError: false })).toEqual(except("i2"));
  });

  it("combines filters with AND", async () => {
    expect(await names({ kind: "interaction", model: "openai/gpt-5-mini", isError: false })).toEqual(["i1", "i3"]);
    expect(await names({ kind: "system", status: "ok", source: "dbt" })).toEqual(["s1"]);
  });
});

describe("token ranges", () => {
  it("filters input, output and total tokens", async () => {
    expect(await names({ inputTokens: { gte: 100 } })).toEqual(["i1", "i2"]);
    expect(await names({ inputTokens: { lte: 500 } })).toEqual(["i1"]);
    expect(await names({ outputTokens: { gte: 20, lte: 50 } })).toEqual(["i1", "i3"]);
    expect(await names({ totalTokens: { gte: 150, lte: 150 } })).toEqual(["i1"]);
    expect(await names({ totalTokens: { gte: 20, lte: 1000 } })).toEqual(["i1", "i3"]);
    // Missing counts are 0 in the total.
    expect(await names({ kind: "user_activity", totalTokens: { lte: 0 } })).toEqual(["u1", "u2"]);
  });

  it("filters a system event's duration", async () => {
    expect(await names({ durationMs: { gte: 1000 } })).toEqual(["s1", "s2"]);
    expect(await names({ durationMs: { lte: 60_000 } })).toEqual(["s1"]);
  });
});

describe("metadata", () => {
  it("matches equality by path, as text or typed", async () => {
    expect(await names({ metadata: [{ path: ["customer", "plan"], op: "eq", value: "pro" }] })).toEqual(["s3", "u1"]);
    expect(await names({ metadata: [{ path: ["latency_ms"], value: "900" }] })).toEqual(["s1"]);
    expect(await names({ metadata: [{ path: ["latency_ms"], value: 900 }] })).toEqual(["s1"]);
    expect(await names({ metadata: [{ path: ["beta"], value: true }] })).toEqual(["s3"]);
    expect(await names({ metadata: [{ path: ["customer"], value: "pro" }] })).toEqual([]);
  });

  it("checks existence", async () => {
    expect(await names({ metadata: [{ path: ["customer", "plan"], op: "exists" }] })).toEqual(["s3", "u1", "u2"]);
    expect(await names({ metadata: [{ path: ["customer", "plan"], op: "exists", value: false }] })).toEqual(
      except("s3", "u1", "u2"),
    );
  });

  it("compares numbers, skipping values that are not numbers instead of failing", async () => {
    expect(await names({ metadata: [{ path: ["latency_ms"], op: "gte", value: 500 }] })).toEqual(["s1", "s2"]);
    expect(await names({ metadata: [{ path: ["latency_ms"], op: "gt", value: 500 }] })).toEqual(["s1"]);
    expect(await names({ metadata: [{ path: ["latency_ms"], op: "lt", value: 200.5 }] })).toEqual(["u1"]);
    expect(await names({ metadata: [{ path: ["latency_ms"], op: "lte", value: 120 }] })).toEqual(["u1"]);
    expect(await names({ metadata: [{ path: ["customer", "seats"], op: "gt", value: 5 }] })).toEqual(["s3"]);
    expect(await names({ metadata: [{ path: ["customer", "plan"], op: "gt", value: 0 }] })).toEqual([]);
  });

  it("treats a path as data, never as SQL", async () => {
    expect(await names({ metadata: [{ path: ["'); DROP TABLE events; --"], op: "exists" }] })).toEqual([]);
    expect(await names({ metadata: [{ path: ["a}", '"{b'], op: "exists" }] })).toEqual([]);
    expect(await names({})).toEqual(recent);
  });
});

describe("search", () => {
  it("searches question and answer for callers allowed to read content", async () => {
    expect(await names({ search: "reset" })).toEqual(["i1"]);
    expect(await names({ search: "SYNC FAIL" })).toEqual(["i2"]);
    expect(await names({ search: "timeout" })).toEqual(["i2"]);
    expect(await names({ search: "100%" })).toEqual(["i1"]);
    expect(await names({ search: "%" })).toEqual(["i1"]);
    expect(await names({ search: "t_l" })).toEqual(["i1"]);
    expect(await names({ search: "t%l" })).toEqual([]);
  });

  it("ignores the search for callers who may not read content", async () => {
    expect(await names({ search: "reset" }, false)).toEqual(recent);
  });
});

describe("tenants and order", () => {
  it("never returns another tenant's events, whatever the filter", async () => {
    expect(await namesOf(handle.db, tenantB, { period: "all" })).toEqual(["b1", "b2"]);
    expect(await namesOf(handle.db, tenantB, { search: "reset" })).toEqual(["b2"]);
    expect(await namesOf(handle.db, tenantB, { actor: "alice" })).toEqual(["b1"]);
  });

  it("lists newest first by default and oldest first on request, with every listing column", async () => {
    const list = (order: "asc" | "desc") =>
      listEventsFiltered(handle.db, {
        tenantId: tenantA,
        filter: eventFilterSchema.parse({ period: "all", order }),
        secret: SECRET,
        now: NOW,
        canReadContent: true,
      });
    const desc = await list("desc");
    const asc = await list("asc");
    expect(desc.items.map((i) => i.clientId)).toEqual([
      "u1",
      "u2",
      "s1",
      "s2",
      "s3",
      "s4",
      "s5",
      "s6",
      "i1",
      "i2",
      "i3",
      "old3d",
      "old10d",
      "old40d",
    ]);
    expect(asc.items.map((i) => i.clientId)).toEqual(desc.items.map((i) => i.clientId).reverse());
    const i1 = desc.items.find((i) => i.clientId === "i1")!;
    expect(i1).toMatchObject({ kind: "interaction", inputTokens: 100, hasContent: true, redacted: false, sessionId: "sess_1" });
    expect(i1.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(Object.keys(i1)).not.toContain("question");
    expect(Object.keys(i1)).not.toContain("answer");
  });
});
