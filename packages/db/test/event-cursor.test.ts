import { randomUUID } from "node:crypto";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { decodeCursor, EventCursorError, encodeCursor, filterHash } from "../src/queries/event-cursor";
import { insertEvents } from "../src/queries/events";
import { listEventsFiltered } from "../src/queries/list-events-filtered";
import { ensurePartitions } from "../src/queries/partitions";

const SECRET = "cursor-test-secret-abcdefghijkl";
let handle: DbHandle;
const tenant = `t_cur_${randomUUID()}`;
const otherTenant = `t_cur_other_${randomUUID()}`;
const start = Date.now();

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(start - 2 * 86_400_000), new Date(start + 86_400_000));
  // 40 events over the last hour, in groups of 4 sharing one timestamp, so pages split ties.
  const events = Array.from({ length: 40 }, (_, i) => ({
    kind: i % 3 === 0 ? ("system" as const) : ("user_activity" as const),
    type: i % 3 === 0 ? "sync.run" : "user.login",
    occurredAt: new Date(start - 60_000 - Math.floor(i / 4) * 60_000).toISOString(),
    clientId: `e${i}`,
  }));
  await insertEvents(handle.db, { tenantId: tenant, events });
  await insertEvents(handle.db, { tenantId: otherTenant, events: events.slice(0, 5) });
});
afterAll(() => handle.close());

const list = (input: EventFilterInput, tenantId = tenant, secret = SECRET) =>
  listEventsFiltered(handle.db, { tenantId, filter: eventFilterSchema.parse(input), secret, canReadContent: false });

/**
 * Pages through everything. Before each next page, two matching events arrive: one newest, one at
 * the timestamp the cursor stopped at (so it lands on either side of the cursor, depending on its id).
 */
async function pageAll(filter: EventFilterInput, limit: number, insertBetween: boolean) {
  const seen: string[] = [];
  const inserted: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ ...filter, limit, cursor });
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    if (insertBetween && cursor) {
      const tiedAt = page.items[page.items.length - 1]!.occurredAt;
      const ids = await insertEvents(handle.db, {
        tenantId: tenant,
        events: [
          { kind: "system", type: "sync.run", occurredAt: tiedAt, clientId: "tied" },
          { kind: "system", type: "sync.run", occurredAt: new Date(Date.now() - 1000).toISOString(), clientId: "new" },
        ],
      });
      inserted.push(...ids);
    }
  } while (cursor);
  return { seen, inserted };
}

const ids = async (filter: EventFilterInput) => (await list({ ...filter, limit: 500 })).items.map((i) => i.id);

/** No row skipped or repeated: the rows present at the start, each once and in order; extras only new. */
function expectStableWalk(walk: { seen: string[]; inserted: string[] }, before: string[], after: string[]) {
  expect(walk.inserted.length).toBeGreaterThan(0);
  expect(new Set(walk.seen).size).toBe(walk.seen.length);
  expect(walk.seen.filter((id) => before.includes(id))).toEqual(before);
  expect(walk.seen.every((id) => before.includes(id) || walk.inserted.includes(id))).toBe(true);
  expect(after.filter((id) => walk.seen.includes(id))).toEqual(walk.seen);
}

describe("keyset pagination", () => {
  it("walks newest first without skipping or repeating while events arrive", async () => {
    const before = await ids({ type: "sync.run" });
    expect(before).toHaveLength(14);
    const walk = await pageAll({ type: "sync.run" }, 3, true);
    expectStableWalk(walk, before, await ids({ type: "sync.run" }));
  });

  it("walks oldest first without skipping or repeating; new events come at the end", async () => {
    const filter = { type: "sync.run", order: "asc" } as const;
    const before = await ids(filter);
    const walk = await pageAll(filter, 4, true);
    const after = await ids(filter);
    expectStableWalk(walk, before, after);
    expect(walk.seen.slice(-1)).toEqual(after.slice(-1));
  });

  it("breaks timestamp ties by id in both orders, whatever the page size", async () => {
    const desc = await ids({ period: "6h" });
    const asc = await ids({ period: "6h", order: "asc" });
    expect(asc).toEqual([...desc].reverse());
    const items = (await list({ period: "6h", order: "asc", limit: 500 })).items;
    expect(new Set(items.map((i) => i.occurredAt)).size).toBeLessThan(items.length);
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1]!, items[i]!];
      expect(a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.id < b.id)).toBe(true);
    }
    for (const limit of [1, 3, 4, 7]) {
      expect((await pageAll({ period: "6h" }, limit, false)).seen).toEqual(desc);
      expect((await pageAll({ period: "6h", order: "asc" }, limit, false)).seen).toEqual(asc);
    }
  });

  it("lets the page size change between pages", async () => {
    const first = await list({ type: "sync.run", limit: 2 });
    const second = await list({ type: "sync.run", limit: 5, cursor: first.nextCursor! });
    const all = await list({ type: "sync.run", limit: 7 });
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all.items.map((i) => i.id));
  });
});

describe("cursor tampering", () => {
  const filter = eventFilterSchema.parse({ type: "sync.run" });
  const expected = { tenantId: tenant, filterHash: filterHash(filter), order: "desc" as const };
  const position = { t: "2026-01-01T00:00:00.000000Z", id: "0190b3a4-7a5c-7000-8000-000000000000" };
  const valid = () => encodeCursor(SECRET, { ...position, order: "desc", filterHash: expected.filterHash, tenantId: tenant });

  it("accepts its own cursor", () => {
    expect(decodeCursor(SECRET, valid(), expected)).toEqual({ ok: true, position });
    expect(valid()).toMatch(/^[\w-]+\.[\w-]+$/);
  });

  it("rejects garbage, forged payloads and other secrets", () => {
    const reason = (value: string) => {
      const r = decodeCursor(SECRET, value, expected);
      return r.ok ? "ok" : r.reason;
    };
    expect(reason("not-a-cursor")).toBe("malformed");
    expect(reason("a.b.c")).toBe("malformed");
    const [, signature] = valid().split(".");
    const forgedBody = Buffer.from(
      JSON.stringify({ ...position, t: "2030-01-01T00:00:00Z", o: "desc", f: expected.filterHash, tn: tenant }),
    ).toString("base64url");
    expect(reason(`${forgedBody}.${signature}`)).toBe("forged");
    expect(reason(`${valid().split(".")[0]}.${"A".repeat(43)}`)).toBe("forged");
    const otherSecret = encodeCursor("another-secret-0123456789", {
      ...position,
      order: "desc",
      filterHash: expected.filterHash,
      tenantId: tenant,
    });
    expect(reason(otherSecret)).toBe("forged");
    const signedGarbage = encodeCursor(SECRET, {
      t: "yesterday",
      id: "x",
      order: "desc",
      filterHash: expected.filterHash,
      tenantId: tenant,
    });
    expect(reason(signedGarbage)).toBe("malformed");
  });

  it("rejects a cursor of another tenant, filter or order", () => {
    const cursor = valid();
    expect(decodeCursor(SECRET, cursor, { ...expected, tenantId: otherTenant })).toMatchObject({
      ok: false,
      reason: "other_tenant",
    });
    expect(decodeCursor(SECRET, cursor, { ...expected, order: "asc" })).toMatchObject({ ok: false, reason: "other_order" });
    const otherHash = filterHash(eventFilterSchema.parse({ type: "sync.*" }));
    expect(decodeCursor(SECRET, cursor, { ...expected, filterHash: otherHash })).toMatchObject({
      ok: false,
      reason: "other_filter",
    });
  });

  it("hashes filters by what they select, not how they were written", () => {
    const hash = (input: EventFilterInput) => filterHash(eventFilterSchema.parse(input));
    expect(hash({ type: ["b.c", "a.b"], limit: 5, cursor: "x" })).toBe(hash({ type: ["a.b", "b.c", "a.b"] }));
    expect(hash({ model: "m" })).not.toBe(hash({ agent: "m" }));
    expect(hash({ period: "24h" })).not.toBe(hash({ period: "7d" }));
  });

  it("makes listEventsFiltered refuse cursors of another tenant, filter, order or secret", async () => {
    const page = await list({ type: "sync.run", limit: 2 });
    const cursor = page.nextCursor!;
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e: unknown) => (e instanceof EventCursorError ? e.reason : String(e)),
      );
    expect(await refusal(list({ type: "sync.run", limit: 2, cursor }, otherTenant))).toBe("other_tenant");
    expect(await refusal(list({ type: "sync.*", limit: 2, cursor }))).toBe("other_filter");
    expect(await refusal(list({ type: "sync.run", limit: 2, cursor, order: "asc" }))).toBe("other_order");
    expect(await refusal(list({ type: "sync.run", limit: 2, cursor }, tenant, "rotated-secret-0123456789"))).toBe("forged");
    expect(await refusal(list({ type: "sync.run", limit: 2, cursor: "bogus" }))).toBe("malformed");
  });
});
