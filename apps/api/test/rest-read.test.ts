import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverErrors, startApp } from "./helpers";
import { activity, interaction, recent, systemEvent, tenantWithKey } from "./ingest-fixtures";
import { type EventJson, expectInvalid, getV1, ingest, listAll, listPage, type ProblemBody } from "./read-fixtures";

const DAY = 86_400_000;
const threeDaysAgo = (ms = 0) => new Date(Date.now() - 3 * DAY + ms).toISOString();

describe("GET /v1/events and /v1/events/:id", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let a: Awaited<ReturnType<typeof tenantWithKey>>;
  let b: Awaited<ReturnType<typeof tenantWithKey>>;
  let idOf: Map<string, string>;
  let bIds: Map<string, string>;
  const ids = (...clientIds: string[]) => clientIds.map((c) => idOf.get(c)).sort();
  const idsOf = (events: EventJson[]) => events.map((e) => e.id).sort();
  const suite = "metadata[suite]=read";

  beforeAll(async () => {
    a = await tenantWithKey(app, db, "rest-read-a", "enterprise");
    b = await tenantWithKey(app, db, "rest-read-b", "enterprise");
    const at = (i: number) => recent(-i * 1000);
    idOf = await ingest(app, a.key, [
      systemEvent({ id: "sync-1", type: "sync.dbt.started", occurred_at: at(1), metadata: { suite: "read" } }),
      systemEvent({ id: "sync-2", type: "sync.dbt.finished", occurred_at: at(2), metadata: { suite: "read" } }),
      systemEvent({ id: "sync-3", type: "sync.fivetran.started", occurred_at: at(3), metadata: { suite: "read" } }),
      systemEvent({ id: "alert-1", type: "alert.delivered", occurred_at: at(4), metadata: { suite: "read" } }),
      activity({ id: "login-pro-1", occurred_at: at(5), metadata: { suite: "read", customer: { plan: "pro" } } }),
      activity({ id: "login-free", occurred_at: at(6), metadata: { suite: "read", customer: { plan: "free" } } }),
      activity({ id: "login-pro-2", occurred_at: at(7), metadata: { suite: "read", customer: { plan: "pro", seats: 3 } } }),
      interaction({
        id: "chat-fast",
        occurred_at: at(8),
        metadata: { suite: "read", latency_ms: 100, camelKey: { innerKey: 1 } },
      }),
      interaction({ id: "chat-mid", occurred_at: at(9), is_error: true, metadata: { suite: "read", latency_ms: 500 } }),
      interaction({
        id: "chat-slow",
        occurred_at: at(10),
        is_error: true,
        question: "Where is the zeppelin report?",
        answer: "Under Reports, then Zeppelin.",
        metadata: { suite: "read", latency_ms: 900 },
      }),
      systemEvent({ id: "old-1", type: "sync.old.run", occurred_at: threeDaysAgo(), metadata: { suite: "read" } }),
      systemEvent({ id: "old-2", type: "sync.old.run", occurred_at: threeDaysAgo(1000), metadata: { suite: "read" } }),
    ]);
    bIds = await ingest(app, b.key, [
      systemEvent({ id: "b-sync-1", type: "sync.dbt.started", metadata: { suite: "read" } }),
      systemEvent({ id: "b-sync-2", type: "sync.dbt.started", metadata: { suite: "read" } }),
      activity({ id: "b-login", metadata: { suite: "read", customer: { plan: "pro" } } }),
    ]);
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  describe("filters", () => {
    it("type prefix sync.* within the default 24 h; period=7d and all reach older events", async () => {
      expect(idsOf((await listPage(app, a.key, "type=sync.*")).data)).toEqual(ids("sync-1", "sync-2", "sync-3"));
      const week = await listPage(app, a.key, "type=sync.*&period=7d");
      expect(idsOf(week.data)).toEqual(ids("sync-1", "sync-2", "sync-3", "old-1", "old-2"));
      expect(idsOf((await listPage(app, a.key, "type=sync.*&period=all")).data)).toEqual(idsOf(week.data));
      expect(idsOf((await listPage(app, a.key, "type=sync.dbt.*&type=alert.delivered")).data)).toEqual(
        ids("sync-1", "sync-2", "alert-1"),
      );
    });

    it("a custom range from/to", async () => {
      const from = threeDaysAgo(-60_000);
      const to = threeDaysAgo(60_000);
      const page = await listPage(app, a.key, `from=${from}&to=${to}`);
      expect(idsOf(page.data)).toEqual(ids("old-1", "old-2"));
    });

    it("metadata by path: equality, numeric comparison, existence", async () => {
      const pro = await listPage(app, a.key, "metadata[customer][plan]=pro");
      expect(idsOf(pro.data)).toEqual(ids("login-pro-1", "login-pro-2"));
      const slow = await listPage(app, a.key, "metadata[latency_ms][gte]=500");
      expect(idsOf(slow.data)).toEqual(ids("chat-mid", "chat-slow"));
      const seats = await listPage(app, a.key, "metadata[customer][seats][exists]=true");
      expect(idsOf(seats.data)).toEqual(ids("login-pro-2"));
    });

    it("is_error, kind, and full-text search over content for the tenant's own key", async () => {
      expect(idsOf((await listPage(app, a.key, "is_error=true")).data)).toEqual(ids("chat-mid", "chat-slow"));
      expect(idsOf((await listPage(app, a.key, `kind=interaction&${suite}`)).data)).toEqual(
        ids("chat-fast", "chat-mid", "chat-slow"),
      );
      expect(idsOf((await listPage(app, a.key, "search=zeppelin")).data)).toEqual(ids("chat-slow"));
    });

    it("answers snake_case events without content; metadata as sent", async () => {
      const { data } = await listPage(app, a.key, `kind=interaction&${suite}`);
      const fast = data.find((e) => e.client_id === "chat-fast")!;
      expect(fast).toMatchObject({
        id: idOf.get("chat-fast"),
        kind: "interaction",
        type: "chat.answer",
        model: "gpt-test",
        is_error: null,
        has_content: true,
        metadata: { suite: "read", latency_ms: 100, camelKey: { innerKey: 1 } },
      });
      expect(fast.occurred_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(Object.keys(fast).filter((k) => /[A-Z]/.test(k))).toEqual([]);
      for (const hidden of ["question", "answer", "payload", "content", "tenant_id"]) expect(fast).not.toHaveProperty(hidden);
    });
  });

  describe("pagination", () => {
    it("follows next_cursor newest first without skips or repeats, also while new events arrive", async () => {
      const first = await listPage(app, a.key, `${suite}&limit=3`);
      expect(first.data).toHaveLength(3);
      expect(first.next_cursor).toEqual(expect.any(String));
      // A newer event arriving mid-way belongs before page one; later pages neither skip nor repeat.
      await ingest(app, a.key, [
        activity({ id: `late-${randomUUID()}`, occurred_at: recent(30_000), metadata: { suite: "read" } }),
      ]);
      const rest = await listAll(app, a.key, `${suite}&limit=3`, first.next_cursor);
      const seen = [...first.data, ...rest];
      const expected = ["sync-1", "sync-2", "sync-3", "alert-1", "login-pro-1", "login-free", "login-pro-2"];
      expected.push("chat-fast", "chat-mid", "chat-slow");
      expect(seen.map((e) => e.client_id)).toEqual(expected);
    });

    it("oldest first on request; a page size may change between pages", async () => {
      const first = await listPage(app, a.key, `${suite}&period=7d&order=asc&limit=4`);
      expect(first.data.map((e) => e.client_id)).toEqual(["old-1", "old-2", "chat-slow", "chat-mid"]);
      const next = await listPage(app, a.key, `${suite}&period=7d&order=asc&limit=500&cursor=${first.next_cursor}`);
      expect(next.next_cursor).toBeNull();
      const newestFirst = await listAll(app, a.key, `${suite}&period=7d&limit=5`);
      expect(newestFirst).toHaveLength(13); // the twelve and the late one
      expect([...first.data, ...next.data].map((e) => e.id)).toEqual(newestFirst.map((e) => e.id).reverse());
    });

    it("rejects forged, foreign and mismatched cursors with a 400 naming cursor", async () => {
      const { next_cursor: cursor } = await listPage(app, a.key, `${suite}&limit=2`);
      const [body, sig] = cursor!.split(".");
      const forged = `${body}.${sig!.startsWith("A") ? "B" : "A"}${sig!.slice(1)}`;
      const reasons: [string, string][] = [
        [`${suite}&cursor=${forged}`, "forged"],
        [`${suite}&cursor=not-a-cursor`, "malformed"],
        [`type=sync.*&cursor=${cursor}`, "other_filter"],
        [`${suite}&order=asc&cursor=${cursor}`, "other_order"],
      ];
      const { next_cursor: bCursor } = await listPage(app, b.key, `${suite}&limit=1`);
      reasons.push([`${suite}&cursor=${bCursor}`, "other_tenant"]);
      for (const [query, reason] of reasons) {
        const problem = await expectInvalid(await getV1(app, a.key, `/events?${query}`), "cursor");
        expect(problem.error.reason).toBe(reason);
      }
      // And A's cursor in B's hands.
      const inB = await expectInvalid(await getV1(app, b.key, `/events?${suite}&cursor=${cursor}`), "cursor");
      expect(inB.error.reason).toBe("other_tenant");
    });
  });

  describe("invalid parameters: 400 naming the parameter", () => {
    it.each([
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["limit=abc", "limit"],
      ["colour=red", "colour"],
      ["period=2y", "period"],
      ["from=yesterday&to=today", "from"],
      ["to=2026-01-01T00:00:00Z", "from"],
      ["is_error=yes", "is_error"],
      ["metadata[latency_ms][gte]=fast", "metadata[latency_ms][gte]"],
      ["input_tokens[gte]=-1", "input_tokens[gte]"],
      ["type=sync..x", "type"],
      ["kind=robot", "kind"],
      ["order=sideways", "order"],
      ["cursor=", "cursor"],
      ["format=xml", "format"],
      ["format=json&format=jsonl", "format"],
    ])("%s → %s", async (query, param) => {
      const body = await expectInvalid(await getV1(app, a.key, `/events?${query}`), param);
      expect(body.error.message).toContain(param);
    });

    it("lists every problem found", async () => {
      const body = await expectInvalid(await getV1(app, a.key, "/events?colour=red&is_error=yes"), "colour");
      expect(body.error.errors?.map((e) => e.param).sort()).toEqual(["colour", "is_error"]);
    });
  });

  describe("one event", () => {
    it("answers the event with its content for the tenant's own key", async () => {
      const res = await getV1(app, a.key, `/events/${idOf.get("chat-slow")}`);
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as { data: EventJson };
      expect(data).toMatchObject({
        id: idOf.get("chat-slow"),
        client_id: "chat-slow",
        is_error: true,
        metadata: { suite: "read", latency_ms: 900 },
        content: { question: "Where is the zeppelin report?", answer: "Under Reports, then Zeppelin." },
      });
      expect(Object.keys(data).filter((k) => /[A-Z]/.test(k))).toEqual([]);
    });

    it("an event without content answers content null", async () => {
      const res = await getV1(app, a.key, `/events/${idOf.get("sync-1")}`);
      expect(((await res.json()) as { data: EventJson }).data).toMatchObject({ type: "sync.dbt.started", content: null });
    });

    it.each([
      ["an unknown id", randomUUID()],
      ["a v4 id whose first bits are no time", "ffffffff-ffff-4fff-bfff-ffffffffffff"],
      ["a v7-shaped id beyond year 9999", "ffffffff-ffff-7fff-bfff-ffffffffffff"],
      ["a malformed id", "not-a-uuid"],
      ["an id with SQL in it", "1' OR '1'='1"],
      ["an overlong id", "a".repeat(5000)],
    ])("%s → 404", async (_label, id) => {
      const res = await getV1(app, a.key, `/events/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as ProblemBody).error.code).toBe("not_found");
    });
  });

  describe("tenant isolation", () => {
    it("B's key never lists A's events, whatever the filter", async () => {
      const aIds = new Set(idOf.values());
      for (const query of ["period=all", "type=sync.*&period=all", "metadata[customer][plan]=pro", "search=zeppelin"]) {
        const seen = await listAll(app, b.key, `${query}&limit=500`);
        expect(seen.filter((e) => aIds.has(e.id))).toEqual([]);
      }
      const bSync = await listPage(app, b.key, "type=sync.*");
      expect(idsOf(bSync.data)).toEqual([bIds.get("b-sync-1"), bIds.get("b-sync-2")].sort());
    });

    it("B's key reading A's event by id gets 404, and A's key B's", async () => {
      for (const [key, id] of [
        [b.key, idOf.get("chat-slow")!],
        [b.key, idOf.get("sync-1")!],
        [a.key, bIds.get("b-login")!],
      ]) {
        const res = await getV1(app, key!, `/events/${id}`);
        expect(res.status).toBe(404);
        expect(await res.text()).not.toContain("zeppelin");
      }
    });

    it("needs an API key", async () => {
      const res = await app.request("http://logbook.test/v1/events");
      expect(res.status).toBe(401);
    });
  });

  it("the OpenAPI document describes both routes and every filter", async () => {
    const doc = (await (await app.request("http://logbook.test/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    const names = doc.paths["/v1/events"]?.get?.parameters?.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["type", "metadata", "period", "cursor", "limit", "format", "is_error"]));
    expect(doc.paths["/v1/events/{id}"]?.get).toBeDefined();
  });

  it("the OpenAPI document describes ingest: the envelope, the limits and every error", async () => {
    type Operation = {
      description?: string;
      requestBody?: { content: Record<string, unknown> };
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    const doc = (await (await app.request("http://logbook.test/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties?: Record<string, { maxItems?: number }> }> };
    };
    const events = doc.paths["/v1/events"]?.post;
    expect(Object.keys(events?.requestBody?.content ?? {})).toEqual(["application/json", "application/x-ndjson"]);
    expect(events?.description).toContain("At most 1000 events or 5 MB per request");
    expect(Object.keys(events?.responses ?? {})).toEqual(["200", "207", "400", "401", "403", "413", "415", "429"]);
    expect(events?.responses["429"]?.headers?.["Retry-After"]).toBeDefined();
    expect(doc.components.schemas.EventBatch?.properties?.events?.maxItems).toBe(1000);
    for (const kind of ["UserActivityEvent", "SystemEvent", "InteractionEvent"])
      expect(doc.components.schemas[kind]).toBeDefined();
    const logs = doc.paths["/v1/logs"]?.post;
    expect(Object.keys(logs?.requestBody?.content ?? {})).toEqual(["application/json", "application/x-protobuf"]);
    expect(Object.keys(logs?.responses ?? {})).toEqual(["200", "400", "401", "403", "413", "415", "429"]);
  });

  it("reads count against the plan's rate limit (free: 10 requests/s)", async () => {
    const free = await tenantWithKey(app, db, "rest-read-free");
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
    const answers = await Promise.all(Array.from({ length: 30 }, () => getV1(app, free.key, "/events?limit=1")));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(((await limited[0]!.json()) as ProblemBody).error.code).toBe("rate_limited");
  });
});
