import { describe, expect, it } from "vitest";
import { eventFilterSchema, parseDeepObjectQuery, periodRange } from "./filters";

const parse = (query: string, options?: { ignore?: string[] }) => parseDeepObjectQuery(new URLSearchParams(query), options);
const filterOf = (query: string) => {
  const r = parse(query);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors)}`);
  return r.filter;
};
const errorsOf = (query: string) => {
  const r = parse(query);
  if (r.ok) throw new Error(`expected errors for ${query}`);
  return r.errors;
};

describe("eventFilterSchema", () => {
  it("fills in defaults and turns single values into lists", () => {
    const f = eventFilterSchema.parse({ kind: "system", model: "gpt" });
    expect(f).toMatchObject({ period: "24h", order: "desc", limit: 50, kind: ["system"], model: ["gpt"] });
  });

  it("rejects a custom period whose from is not before to, and timestamps without a zone", () => {
    const bad = eventFilterSchema.safeParse({ period: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" } });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["period", "to"], message: "from must be before to" });
    const noZone = eventFilterSchema.safeParse({ period: { from: "2026-01-01T00:00:00", to: "2026-01-02T00:00:00Z" } });
    expect(noZone.error?.issues[0]?.path).toEqual(["period", "from"]);
    expect(eventFilterSchema.safeParse({ period: "2h" }).error?.issues[0]?.message).toMatch(/1h, 6h, 24h, 7d, 30d, all/);
  });

  it("validates metadata conditions, ranges, lists and limits", () => {
    const issues = (input: unknown) => eventFilterSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
    expect(issues({ metadata: [{ path: ["a"], op: "gt", value: "x" }] })).toEqual(["gt needs a number"]);
    expect(issues({ metadata: [{ path: ["a"], op: "eq" }] })).toEqual(["a value is required for eq"]);
    expect(issues({ metadata: [{ path: ["a"], op: "exists" }] })).toEqual([]);
    expect(issues({ metadata: [{ path: Array(9).fill("a"), op: "exists" }] })).toEqual(["at most 8 levels deep"]);
    expect(issues({ inputTokens: { gte: 10, lte: 5 } })).toEqual(["gte must not exceed lte"]);
    expect(issues({ model: Array(51).fill("m") })).toHaveLength(1);
    expect(issues({ model: "x".repeat(257) })).toHaveLength(1);
    expect(issues({ limit: 501 })).toEqual(["must be between 1 and 500"]);
    expect(issues({ type: ["sync.*", "user.login", "bad type"] })).toHaveLength(1);
    expect(issues({ unknownField: 1 })).toHaveLength(1);
  });

  it("computes preset and custom ranges from now", () => {
    const now = new Date("2026-05-10T12:00:00Z");
    expect(periodRange("1h", now)).toEqual({ from: new Date("2026-05-10T11:00:00Z"), to: now });
    expect(periodRange("all", now)).toEqual({ from: null, to: null });
    expect(periodRange({ from: "2026-01-01T00:00:00+02:00", to: "2026-01-02T00:00:00Z" }, now).from).toEqual(
      new Date("2025-12-31T22:00:00Z"),
    );
  });
});

describe("parseDeepObjectQuery", () => {
  it("parses repeated keys, comma lists and prefixes", () => {
    const f = filterOf("kind=system&type=sync.*&type=alert.delivered,user.login&status=ok, failed");
    expect(f.kind).toEqual(["system"]);
    expect(f.type).toEqual(["sync.*", "alert.delivered", "user.login"]);
    expect(f.status).toEqual(["ok", "failed"]);
  });

  it("keeps commas inside names and maps snake_case to camelCase", () => {
    const f = filterOf("target_name=Sales, EMEA&target_name=Ops&session_id=s1,s2&actor=Doe, J&actor_id=u1");
    expect(f.targetName).toEqual(["Sales, EMEA", "Ops"]);
    expect(f.sessionId).toEqual(["s1", "s2"]);
    expect(f.actor).toBe("Doe, J");
    expect(f.actorId).toEqual(["u1"]);
  });

  it("parses metadata in deep-object notation", () => {
    const f = filterOf(
      "metadata[customer][plan]=pro&metadata[latency_ms][gte]=500&metadata[customer][plan][exists]=true&metadata[gone][exists]=false&metadata[eq]=x&metadata[a][eq]=1.5",
    );
    expect(f.metadata).toEqual([
      { path: ["customer", "plan"], op: "eq", value: "pro" },
      { path: ["latency_ms"], op: "gte", value: 500 },
      { path: ["customer", "plan"], op: "exists", value: true },
      { path: ["gone"], op: "exists", value: false },
      { path: ["eq"], op: "eq", value: "x" },
      { path: ["a"], op: "eq", value: "1.5" },
    ]);
  });

  it("parses IP, tool names (commas kept) and a duration range", () => {
    expect(
      filterOf("ip=203.0.113.9&tool_name=search, catalog&tool_name=b&duration_ms[gte]=1000&duration_ms[lte]=5000"),
    ).toMatchObject({
      ip: ["203.0.113.9"],
      toolName: ["search, catalog", "b"],
      durationMs: { gte: 1000, lte: 5000 },
    });
    expect(errorsOf("duration_ms[gt]=5")[0]?.param).toBe("duration_ms[gt]");
  });

  it("parses period, flags, token ranges and paging", () => {
    const f = filterOf(
      "period=7d&is_error=true&input_tokens[gte]=100&input_tokens[lte]=200&total_tokens[lte]=5&limit=10&order=asc&cursor=abc&search=hello world",
    );
    expect(f).toMatchObject({
      period: "7d",
      isError: true,
      inputTokens: { gte: 100, lte: 200 },
      totalTokens: { lte: 5 },
      limit: 10,
      order: "asc",
      cursor: "abc",
      search: "hello world",
    });
    expect(filterOf("from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00%2B01:00").period).toEqual({
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-02T00:00:00+01:00",
    });
    expect(filterOf("").period).toBe("24h");
  });

  it("names unknown and malformed parameters", () => {
    expect(errorsOf("kinds=system")).toEqual([{ param: "kinds", message: "is not a known parameter" }]);
    expect(errorsOf("metadata[a[b]]=x")[0]?.param).toBe("metadata[a[b]]");
    expect(errorsOf("metadata[a]x=1")[0]?.param).toBe("metadata[a]x");
    expect(errorsOf("metadata=x")[0]).toEqual({ param: "metadata", message: "name a key: metadata[key]=value" });
    expect(errorsOf("metadata[]=x")[0]?.param).toBe("metadata[]");
    expect(errorsOf("kind[x]=system")[0]?.param).toBe("kind[x]");
    expect(errorsOf("input_tokens=5")[0]?.param).toBe("input_tokens");
    expect(errorsOf("format=jsonl")[0]?.param).toBe("format");
    expect(parse("format=jsonl", { ignore: ["format"] }).ok).toBe(true);
  });

  it("rejects bad numbers and booleans with the parameter name", () => {
    expect(errorsOf("metadata[a][b][gte]=x")).toEqual([{ param: "metadata[a][b][gte]", message: "must be a number for gte" }]);
    expect(errorsOf("metadata[a][lt]=0x10")[0]?.param).toBe("metadata[a][lt]");
    expect(errorsOf("metadata[a][exists]=yes")[0]?.message).toBe("must be true or false");
    expect(errorsOf("limit=ten")[0]?.param).toBe("limit");
    expect(errorsOf("limit=0")).toEqual([{ param: "limit", message: "must be between 1 and 500" }]);
    expect(errorsOf("limit=501")[0]?.param).toBe("limit");
    expect(errorsOf("input_tokens[gte]=-1")[0]?.param).toBe("input_tokens[gte]");
    expect(errorsOf("output_tokens[gte]=9&output_tokens[lte]=1")[0]?.param).toBe("output_tokens");
    expect(errorsOf("is_error=yes")[0]?.param).toBe("is_error");
  });

  it("rejects empty values, repeated single values and invalid values from the model", () => {
    expect(errorsOf("kind=")[0]).toEqual({ param: "kind", message: "must not be empty" });
    expect(errorsOf("type=a,,b")[0]?.param).toBe("type");
    expect(errorsOf("metadata[a]=")[0]?.param).toBe("metadata[a]");
    expect(errorsOf("limit=1&limit=2")[0]).toEqual({ param: "limit", message: "must be given once" });
    expect(errorsOf("kind=robot")[0]?.param).toBe("kind");
    expect(errorsOf("protocol=grpc")[0]?.param).toBe("protocol");
    expect(errorsOf("period=2h")[0]?.param).toBe("period");
    expect(errorsOf("order=up")[0]?.param).toBe("order");
  });

  it("checks the period: custom ranges, from without to, period with from", () => {
    expect(errorsOf("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")[0]).toEqual({
      param: "to",
      message: "from must be before to",
    });
    expect(errorsOf("from=yesterday&to=2026-01-01T00:00:00Z")[0]?.param).toBe("from");
    expect(errorsOf("from=2026-01-01T00:00:00Z")[0]?.param).toBe("to");
    expect(errorsOf("to=2026-01-01T00:00:00Z")[0]?.param).toBe("from");
    expect(errorsOf("period=7d&from=2026-01-01T00:00:00Z")[0]?.param).toBe("period");
  });

  it("reports every problem at once", () => {
    expect(errorsOf("kinds=x&limit=abc&metadata[a][gt]=b").map((e) => e.param)).toEqual(["kinds", "limit", "metadata[a][gt]"]);
  });
});
