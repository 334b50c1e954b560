import { randomUUID } from "node:crypto";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { filterOptions } from "../src/queries/event-options";
import { compactRollups, splitRange } from "../src/queries/event-rollups";
import { eventStatistics } from "../src/queries/event-stats";
import { insertEvents, type NewEvent } from "../src/queries/events";
import { listEventsFiltered } from "../src/queries/list-events-filtered";
import { ensurePartitions } from "../src/queries/partitions";
import { withTenant } from "../src/tenant";

/**
 * Rollups must answer exactly what a scan of the events answers: before and after compaction, with
 * deltas and compacted rows mixed, after classification updates and after retention deletes.
 * A filter the rollups cannot answer (a token range that matches every event) forces the scan.
 */

const HOUR = 3_600_000;
// Not on an hour boundary, so every range has partial hours at both ends.
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR - 17 * 60_000 - 4_321);
const tenant = `t_ru_${randomUUID()}`;
const other = `t_ro_${randomUUID()}`;
const models = ["m1", "m2", "m3", null];
const kinds = ["interaction", "system", "user_activity"] as const;

function randomEvents(count: number, seed: number, spanMs: number): NewEvent[] {
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % 3] as (typeof kinds)[number];
    return {
      kind,
      type: kind === "system" ? "sync.finished" : kind === "interaction" ? "ai.interaction" : "user.login",
      occurredAt: new Date(NOW.getTime() - Math.floor(next() * spanMs)).toISOString(),
      actorId: next() < 0.2 ? null : `u${Math.floor(next() * 60)}`,
      actorEmail: `user${Math.floor(next() * 60)}@example.com`,
      model: kind === "interaction" ? models[Math.floor(next() * models.length)] : null,
      status: next() < 0.1 ? "failure" : "success",
      isError: kind === "interaction" ? next() < 0.1 : null,
      inputTokens: kind === "interaction" ? Math.floor(next() * 1000) : null,
      outputTokens: kind === "interaction" ? Math.floor(next() * 500) : null,
    };
  });
}

let handle: DbHandle;
const f = (input: EventFilterInput) => eventFilterSchema.parse(input);
const scanAll = { totalTokens: { gte: 0 } } as const;

async function stats(filter: EventFilterInput) {
  return eventStatistics(handle.db, { tenantId: tenant, filter: f(filter), now: NOW, canReadContent: true });
}
async function options(filter: EventFilterInput, column: "model" | "kind" | "isError" | "status" | "intent") {
  return filterOptions(handle.db, { tenantId: tenant, filter: f(filter), column, now: NOW, canReadContent: true });
}

/** HyperLogLog with 1,024 registers: within 6 % (or 4, as register collisions weigh on small counts). */
const close = (estimate: number, exact: number) =>
  expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(Math.max(4, exact * 0.06));

/** Rollup-answered statistics equal the scanned ones (users: a HyperLogLog estimate). */
async function expectStatsMatchScan(filter: EventFilterInput, checkUsers = true) {
  const viaRollups = await stats(filter);
  const scanned = await stats({ ...filter, ...scanAll });
  expect(viaRollups.totals).toEqual({ ...scanned.totals, users: expect.any(Number) });
  if (checkUsers) close(viaRollups.totals.users, scanned.totals.users);
  expect(viaRollups.series.map(({ users: _u, ...b }) => b)).toEqual(scanned.series.map(({ users: _u, ...b }) => b));
  viaRollups.series.forEach((b, i) => {
    if (checkUsers || b.events === 0) close(b.users, scanned.series[i]?.users ?? 0);
  });
  return viaRollups;
}

async function expectOptionsMatchScan(filter: EventFilterInput, column: "model" | "kind" | "isError" | "status" | "intent") {
  const viaRollups = await options(filter, column);
  expect({ filter, ...viaRollups }).toEqual({ filter, ...(await options({ ...filter, ...scanAll }, column)) });
  return viaRollups;
}

/** `usersSettled` false: events were deleted and the worker has not rebuilt those hours' user sketches yet. */
async function checkEverything(usersSettled = true) {
  for (const period of ["24h", "7d", "30d", "all"] as const) {
    await expectStatsMatchScan({ period }, usersSettled);
    await expectStatsMatchScan({ period, kind: "interaction" }, usersSettled);
    await expectOptionsMatchScan({ period }, "model");
    await expectOptionsMatchScan({ period, kind: "interaction", status: "success" }, "model");
    await expectOptionsMatchScan({ period, model: ["m1"] }, "kind");
    await expectOptionsMatchScan({ period }, "isError");
    await expectOptionsMatchScan({ period }, "intent");
  }
  const custom = {
    from: new Date(NOW.getTime() - 30 * HOUR - 123).toISOString(),
    to: new Date(NOW.getTime() - 2 * HOUR + 77).toISOString(),
  };
  await expectStatsMatchScan({ period: custom }, usersSettled);
  await expectOptionsMatchScan({ period: custom }, "model");
}

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(NOW.getTime() - 40 * 86_400_000), new Date(NOW.getTime() + 2 * 86_400_000));
  await insertEvents(handle.db, { tenantId: tenant, events: randomEvents(900, 7, 35 * 86_400_000) });
  await insertEvents(handle.db, { tenantId: other, events: randomEvents(300, 11, 35 * 86_400_000) });
});
afterAll(() => handle.close());

describe("rollups", () => {
  it("split a range into whole UTC hours and the partial hours at its ends", () => {
    const t = (h: number, m = 0) => new Date(Date.UTC(2026, 0, 1, h, m));
    expect(splitRange(t(10, 30), t(14, 20))).toEqual({
      hours: { from: t(11), to: t(14) },
      edges: [
        { from: t(10, 30), to: t(11) },
        { from: t(14), to: t(14, 20) },
      ],
    });
    expect(splitRange(t(10), t(12))).toEqual({ hours: { from: t(10), to: t(12) }, edges: [] });
    expect(splitRange(t(10, 30), t(10, 50))).toEqual({ hours: null, edges: [{ from: t(10, 30), to: t(10, 50) }] });
    expect(splitRange(t(10, 30), t(11, 20))).toEqual({ hours: null, edges: [{ from: t(10, 30), to: t(11, 20) }] });
    expect(splitRange(null, t(12, 5))).toEqual({ hours: { from: null, to: t(12) }, edges: [{ from: t(12), to: t(12, 5) }] });
    expect(splitRange(null, null)).toEqual({ hours: { from: null, to: null }, edges: [] });
  });

  it("answer statistics and options exactly as a scan does, before and after compaction", async () => {
    await checkEverything(); // everything still in pending deltas
    expect(await compactRollups(handle.db)).toBeGreaterThan(0);
    await checkEverything(); // compacted
    await insertEvents(handle.db, { tenantId: tenant, events: randomEvents(300, 99, 35 * 86_400_000) });
    await checkEverything(); // compacted + pending
    const big = await stats({ period: "all" });
    expect(big.totals.events).toBe(1200);
  });

  it("follow classification updates and retention deletes", async () => {
    await handle.db.execute(sql`UPDATE events SET intent = 'billing', sentiment = 'positive'
      WHERE tenant_id = ${tenant} AND kind = 'interaction' AND actor_id LIKE 'u1%'`);
    await checkEverything();
    const before = await stats({ period: "all" });
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('logbook.retention', 'on', true)`);
      await tx.execute(
        sql`DELETE FROM events WHERE tenant_id = ${tenant} AND occurred_at < ${new Date(NOW.getTime() - 20 * 86_400_000).toISOString()}`,
      );
    });
    await checkEverything(false);
    await compactRollups(handle.db);
    await checkEverything();
    const after = await stats({ period: "all" });
    expect(after.totals.events).toBeLessThan(before.totals.events);
  });

  it("estimate thousands of distinct users within a few percent", async () => {
    const many = `t_rm_${randomUUID()}`;
    const at = new Date(NOW.getTime() - 3 * HOUR).toISOString();
    const events: NewEvent[] = Array.from({ length: 5000 }, (_, i) => ({
      kind: "system",
      type: "tick",
      occurredAt: at,
      actorId: `person-${i}`,
    }));
    for (let i = 0; i < events.length; i += 1000)
      await insertEvents(handle.db, { tenantId: many, events: events.slice(i, i + 1000) });
    await compactRollups(handle.db);
    const result = await eventStatistics(handle.db, {
      tenantId: many,
      filter: f({ period: "7d" }),
      now: NOW,
      canReadContent: true,
    });
    expect(result.totals.events).toBe(5000);
    expect(Math.abs(result.totals.users - 5000) / 5000).toBeLessThan(0.08);
  });

  it("keep each tenant to its own rows", async () => {
    const rows = await withTenant(handle.db, other, async (tx) => {
      const r = await tx.execute<{ tenants: string[] }>(sql`SELECT array_agg(DISTINCT tenant_id) AS tenants FROM (
        SELECT tenant_id FROM event_rollups UNION ALL SELECT tenant_id FROM event_rollup_deltas
        UNION ALL SELECT tenant_id FROM event_user_sketches UNION ALL SELECT tenant_id FROM event_actors) t`);
      return r.rows[0]?.tenants;
    });
    expect(rows).toEqual([other]);
  });

  it("find a partial actor match through the actor directory, exactly as the scan does", async () => {
    for (const actor of ["user12@", "U3", "example.com", "nobody-here"]) {
      const list = (filter: EventFilterInput) =>
        listEventsFiltered(handle.db, {
          tenantId: tenant,
          filter: f(filter),
          now: NOW,
          secret: "s".repeat(32),
          canReadContent: true,
        });
      const direct = await list({ period: "all", actor, limit: 500 });
      const all = { items: [] as Awaited<ReturnType<typeof list>>["items"] };
      let cursor: string | undefined;
      do {
        const page = await list({ period: "all", limit: 500, cursor });
        all.items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const a = actor.toLowerCase();
      const expected = all.items.filter((e) => [e.actorId, e.actorEmail, e.actorName].some((v) => v?.toLowerCase().includes(a)));
      expect(direct.items.map((e) => e.id)).toEqual(expected.slice(0, 500).map((e) => e.id));
    }
  });
});
