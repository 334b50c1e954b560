import { parseDeepObjectQuery } from "@logbook/shared/filters";
import { describe, expect, it } from "vitest";
import { defaultLogFilter, logViewHref, parseLogSearch } from "./log-url";

describe("log view URLs", () => {
  it("writes the REST parameter names and reads them back", () => {
    const href = logViewHref(
      "org_1",
      "interactions",
      {
        period: "7d",
        model: ["a", "b"],
        sessionId: "s1",
        actorId: "u1",
        isError: true,
        totalTokens: { gte: 100 },
        metadata: [
          { path: ["customer", "plan"], op: "eq", value: "pro" },
          { path: ["latency_ms"], op: "gte", value: 500 },
          { path: ["x", "gte"], op: "eq", value: "literal" },
        ],
        search: "refund",
        order: "asc",
      },
      "0d0f6a6e-9c55-4b8a-9b5e-1f0f3c1d2e3f",
    );
    expect(href).toBe(
      "/o/org_1/logs/interactions?period=7d&actor_id=u1&session_id=s1&model=a&model=b&is_error=true" +
        "&total_tokens[gte]=100&metadata[customer][plan]=pro&metadata[latency_ms][gte]=500" +
        "&metadata[x][gte][eq]=literal&search=refund&order=asc&event=0d0f6a6e-9c55-4b8a-9b5e-1f0f3c1d2e3f",
    );
    const search = href.slice(href.indexOf("?"));
    const parsed = parseLogSearch(search);
    expect(parsed.errors).toEqual([]);
    expect(parsed.eventId).toBe("0d0f6a6e-9c55-4b8a-9b5e-1f0f3c1d2e3f");
    expect(parsed.filter).toMatchObject({
      period: "7d",
      model: ["a", "b"],
      sessionId: ["s1"],
      actorId: ["u1"],
      isError: true,
      totalTokens: { gte: 100 },
      search: "refund",
      order: "asc",
    });
    expect(parsed.filter.metadata).toEqual([
      { path: ["customer", "plan"], op: "eq", value: "pro" },
      { path: ["latency_ms"], op: "gte", value: 500 },
      { path: ["x", "gte"], op: "eq", value: "literal" },
    ]);
    // The REST parser reads the same string (minus the UI's own `event`).
    expect(parseDeepObjectQuery(new URLSearchParams(search), { ignore: ["event"] }).ok).toBe(true);
  });

  it("writes a custom range as from and to, and leaves defaults out", () => {
    const range = { from: "2026-01-01T00:00:00.000Z", to: "2026-01-02T00:00:00.000Z" };
    expect(logViewHref("o", "system", { period: range })).toBe(
      "/o/o/logs/system?from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z",
    );
    expect(parseLogSearch("?from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z").filter.period).toEqual(range);
    expect(logViewHref("o", "user-activity", { period: "24h", order: "desc" })).toBe("/o/o/logs/user-activity");
  });

  it("drops parameters it cannot read, reports them, and keeps the rest", () => {
    const parsed = parseLogSearch("?model=a&period=nope&bogus=1&total_tokens[gte]=x&limit=5&event=e1");
    expect(parsed.filter.model).toEqual(["a"]);
    expect(parsed.filter.period).toBe("24h");
    expect(parsed.eventId).toBe("e1");
    expect(parsed.errors.map((e) => e.param).sort()).toEqual(["bogus", "limit", "period", "total_tokens[gte]"]);
    expect(parseLogSearch("?%%%&&==").filter).toEqual(defaultLogFilter());
    expect(parseLogSearch("").filter).toEqual(defaultLogFilter());
  });
});
