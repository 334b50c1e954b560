import { createDb } from "@logbook/db/client";
import { parseDeepObjectQuery } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventsJsonlStream } from "../src/rest/jsonl-stream";
import { serverErrors, startApp } from "./helpers";
import { activity, recent, systemEvent, tenantWithKey } from "./ingest-fixtures";
import { expectInvalid, getV1, ingest, listAll, listPage, parseJsonl } from "./read-fixtures";

const BULK = 2_500;

describe("GET /v1/events as JSON Lines", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let a: Awaited<ReturnType<typeof tenantWithKey>>;
  let b: Awaited<ReturnType<typeof tenantWithKey>>;
  const aIds = new Set<string>();

  beforeAll(async () => {
    a = await tenantWithKey(app, db, "rest-jsonl-a", "enterprise");
    b = await tenantWithKey(app, db, "rest-jsonl-b", "enterprise");
    // 2,500 bulk rows (more than two 1,000-row pages), some sharing a timestamp, and a few others.
    for (let start = 0; start < BULK; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, BULK - start) }, (_, j) => {
        const n = start + j;
        return systemEvent({ id: `bulk-${n}`, type: "bulk.row", occurred_at: recent(-Math.floor(n / 2) * 10), metadata: { n } });
      });
      for (const id of (await ingest(app, a.key, batch)).values()) aIds.add(id);
    }
    const others = await ingest(app, a.key, [activity({ id: "a-login" }), systemEvent({ id: "a-sync", type: "sync.x.y" })]);
    for (const id of others.values()) aIds.add(id);
    await ingest(app, b.key, [systemEvent({ id: "b-bulk", type: "bulk.row", metadata: { n: 1 } })]);
  }, 120_000);
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    expect(ctx.logs.filter((l) => l.includes("jsonl stream"))).toEqual([]);
    await ctx.close();
  });

  async function jsonl(key: string, query: string, headers: Record<string, string> = {}) {
    const res = await getV1(app, key, `/events?${query}`, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    return parseJsonl(await res.text());
  }

  it("format=jsonl streams every matching event across pages, one parsable line each, newest first", async () => {
    const lines = await jsonl(a.key, "format=jsonl&type=bulk.row");
    expect(lines).toHaveLength(BULK);
    expect(new Set(lines.map((e) => e.id)).size).toBe(BULK);
    expect(lines.every((e) => e.type === "bulk.row" && typeof e.metadata?.n === "number")).toBe(true);
    expect(Object.keys(lines[0]!).filter((k) => /[A-Z]/.test(k))).toEqual([]);
    expect(lines[0]).not.toHaveProperty("question");
    const times = lines.map((e) => e.occurred_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("Accept: application/x-ndjson does the same; oldest first on request", async () => {
    const lines = await jsonl(a.key, "type=bulk.row&order=asc", { accept: "application/x-ndjson" });
    expect(lines).toHaveLength(BULK);
    const times = lines.map((e) => e.occurred_at);
    expect(times).toEqual([...times].sort());
  });

  it("equals what the JSON pages list, in the same order", async () => {
    const lines = await jsonl(a.key, "format=jsonl&metadata[n][lt]=1200");
    expect(lines).toHaveLength(1200);
    const pages = await listAll(app, a.key, "metadata[n][lt]=1200&limit=500");
    expect(lines.map((e) => e.id)).toEqual(pages.map((e) => e.id));
  });

  it("each line is the JSON page's event without its null fields", async () => {
    const lines = await jsonl(a.key, "format=jsonl&period=all");
    const pages = await listAll(app, a.key, "period=all&limit=500");
    const withoutNulls = (e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null));
    expect(lines).toEqual(pages.map((e) => withoutNulls(e as Record<string, unknown>)));
    expect(lines.every((e) => Object.values(e).every((v) => v !== null))).toBe(true);
  });

  it("limit is no total: every match is streamed", async () => {
    expect(await jsonl(a.key, "format=jsonl&type=bulk.row&limit=10")).toHaveLength(BULK);
  });

  it("continues from a listing's cursor", async () => {
    const first = await listPage(app, a.key, "type=bulk.row&limit=500");
    const rest = await jsonl(a.key, `format=jsonl&type=bulk.row&cursor=${first.next_cursor}`);
    expect(rest).toHaveLength(BULK - 500);
    expect(rest.some((e) => first.data.some((f) => f.id === e.id))).toBe(false);
  });

  it("no match: an empty 200 body", async () => {
    expect(await jsonl(a.key, "format=jsonl&type=nothing.here")).toEqual([]);
  });

  it("invalid filters and cursors are still a 400 naming the parameter", async () => {
    await expectInvalid(await getV1(app, a.key, "/events?format=jsonl&limit=0"), "limit");
    await expectInvalid(await getV1(app, a.key, "/events?format=jsonl&cursor=forged.cursor"), "cursor");
    const { next_cursor } = await listPage(app, b.key, "period=all&limit=1");
    const foreign = await getV1(app, a.key, `/events?period=all&cursor=${next_cursor}`, { accept: "application/x-ndjson" });
    expect((await expectInvalid(foreign, "cursor")).error.reason).toBe("other_tenant");
  });

  it("a consumer reading one chunk and leaving ends the query and frees its connection", async () => {
    const handle = createDb(inject("databaseUrl"), { max: 1 });
    const parsed = parseDeepObjectQuery(new URLSearchParams("type=bulk.row"));
    if (!parsed.ok) throw new Error("filter");
    const stream = await eventsJsonlStream(handle.db, {
      tenantId: a.tenantId,
      filter: parsed.filter,
      secret: "jsonl-cancel-test-secret",
      canReadContent: true,
      log: () => {},
    });
    const reader = stream.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    // The single connection is usable again: the abandoned COPY did not keep it.
    const { rows } = await handle.pool.query<{ one: number }>("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
    await handle.close();
  });

  it("a database failure mid-stream errors the stream and is logged", async () => {
    const application = `logbook-jsonl-failure-${Date.now()}`;
    const handle = createDb(inject("databaseUrl"), { max: 1, application });
    const admin = createDb(inject("databaseUrl"), { max: 1 });
    // ~70 MB of lines, far more than socket buffers hold, so the COPY is still running when it is killed.
    const big = `jsonl-big-${Date.now()}`;
    await admin.pool.query(
      `INSERT INTO events (tenant_id, id, occurred_at, kind, type, metadata)
       SELECT $1, gen_random_uuid(), now() - i * interval '1 ms', 'system', 'bulk.big', jsonb_build_object('pad', repeat('x', 1000))
       FROM generate_series(1, 60000) i`,
      [big],
    );
    const parsed = parseDeepObjectQuery(new URLSearchParams("type=bulk.big"));
    if (!parsed.ok) throw new Error("filter");
    const logs: string[] = [];
    const stream = await eventsJsonlStream(handle.db, {
      tenantId: big,
      filter: parsed.filter,
      secret: "jsonl-failure-test-secret",
      canReadContent: true,
      log: (line) => logs.push(line),
    });
    const reader = stream.getReader();
    expect((await reader.read()).done).toBe(false);
    // Not reading on holds the COPY back (backpressure); then its connection is killed.
    await admin.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [application]);
    await admin.close();
    const drain = async (): Promise<void> => {
      if (!(await reader.read()).done) return drain();
    };
    await expect(drain()).rejects.toThrow();
    expect(logs).toEqual([expect.stringMatching(/^jsonl stream of tenant .* failed: /)]);
    await handle.close();
  });

  it("streams exactly the listing's events in its order, both ways", async () => {
    const handle = createDb(inject("databaseUrl"), { max: 2 });
    for (const order of ["desc", "asc"] as const) {
      const parsed = parseDeepObjectQuery(new URLSearchParams(`type=bulk.row&order=${order}`));
      if (!parsed.ok) throw new Error("filter");
      const stream = await eventsJsonlStream(handle.db, {
        tenantId: a.tenantId,
        filter: parsed.filter,
        secret: "jsonl-order-test-secret",
        canReadContent: true,
        log: () => {},
      });
      const text = await new Response(stream).text();
      const ids = text
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { id: string }).id);
      const pages = await listAll(app, a.key, `type=bulk.row&order=${order}&limit=500`);
      expect(ids).toEqual(pages.map((e) => e.id));
    }
    await handle.close();
  });

  it("B's key streams only B's events", async () => {
    const lines = await jsonl(b.key, "format=jsonl&period=all");
    expect(lines.filter((e) => aIds.has(e.id))).toEqual([]);
    expect(lines.filter((e) => e.type === "bulk.row").map((e) => e.client_id)).toEqual(["b-bulk"]);
  });
});
