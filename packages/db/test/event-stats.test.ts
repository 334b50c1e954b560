import { randomUUID } from "node:crypto";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { bucketSecondsFor, type EventBucket, eventStatistics } from "../src/queries/event-stats";
import { insertEvents, type NewEvent } from "../src/queries/events";
import { ensurePartitions } from "../src/queries/partitions";

/** The statistics' `now`: the start of today (UTC), so every bucket size lines up with it. */
const T = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
const MIN = 60_000;
const at = (ms: number) => new Date(T.getTime() + ms).toISOString();

const seeded: NewEvent[] = [
  { kind: "system", type: "tick", occurredAt: at(-60 * MIN) }, // first instant of the 1h period
  {
    kind: "interaction",
    type: "ai.interaction",
    occurredAt: at(-5 * MIN + 10_000),
    actorId: "a1",
    model: "m1",
    inputTokens: 10,
    outputTokens: 5,
  },
  {
    kind: "interaction",
    type: "ai.interaction",
    occurredAt: at(-5 * MIN + 20_000),
    actorEmail: "x@example.com",
    model: "m2",
    inputTokens: 20,
    isError: true,
  },
  { kind: "system", type: "sync.failed", occurredAt: at(-7 * MIN), actorId: "a1", status: "failure" },
  { kind: "user_activity", type: "user.login", occurredAt: at(-180 * MIN), actorId: "a2" },
  {
    kind: "interaction",
    type: "ai.interaction",
    occurredAt: at(-2 * 1440 * MIN),
    model: "m1",
    inputTokens: 100,
    outputTokens: 100,
  },
  { kind: "system", type: "tick", occurredAt: at(-20 * 1440 * MIN) },
  { kind: "system", type: "tick", occurredAt: at(0) }, // `to` is exclusive
  { kind: "system", type: "tick", occurredAt: at(MIN) },
];

let handle: DbHandle;
const tenant = `t_st_${randomUUID()}`;
const other = `t_so_${randomUUID()}`;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(T.getTime() - 25 * 86_400_000), new Date(T.getTime() + 2 * 86_400_000));
  await insertEvents(handle.db, { tenantId: tenant, events: seeded });
  await insertEvents(handle.db, { tenantId: other, events: seeded.slice(0, 4) });
});
afterAll(() => handle.close());

const stats = (filter: EventFilterInput, tenantId = tenant) =>
  eventStatistics(handle.db, { tenantId, filter: eventFilterSchema.parse(filter), now: T, canReadContent: true });

const zero = { events: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, users: 0, errors: 0 };
/** The non-empty buckets, by index. */
const nonEmpty = (series: EventBucket[]) =>
  Object.fromEntries(
    series.flatMap((b, i) => {
      const { start: _start, ...counts } = b;
      return b.events > 0 ? [[i, counts]] : [];
    }),
  );

/** Checks the series is contiguous, aligned and starts where expected. */
function expectContiguous(series: EventBucket[], firstStartMs: number, bucketSeconds: number, length: number) {
  expect(series).toHaveLength(length);
  series.forEach((b, i) => {
    expect(b.start).toBe(new Date(firstStartMs + i * bucketSeconds * 1000).toISOString());
  });
}

describe("eventStatistics", () => {
  it("sums the last hour by minute, with empty minutes as zeros", async () => {
    const result = await stats({ period: "1h" });
    expect(result.totals).toEqual({
      events: 4,
      inputTokens: 30,
      outputTokens: 5,
      totalTokens: 35,
      users: 2,
      models: 2,
      errors: 2,
    });
    expect(result.bucketSeconds).toBe(60);
    expectContiguous(result.series, T.getTime() - 60 * MIN, 60, 60);
    expect(nonEmpty(result.series)).toEqual({
      0: { ...zero, events: 1 },
      53: { ...zero, events: 1, users: 1, errors: 1 },
      55: { events: 2, inputTokens: 30, outputTokens: 5, totalTokens: 35, users: 2, errors: 1 },
    });
    expect(result.series[54]).toEqual({ start: at(-6 * MIN), ...zero });
  });

  it("uses 15-minute buckets for 24 hours and hours for 7 days", async () => {
    const day = await stats({});
    expect(day.bucketSeconds).toBe(900);
    expectContiguous(day.series, T.getTime() - 1440 * MIN, 900, 96);
    expect(day.totals).toMatchObject({ events: 5, users: 3, errors: 2 });
    expect(nonEmpty(day.series)).toEqual({
      84: { ...zero, events: 1, users: 1 },
      92: { ...zero, events: 1 },
      95: { events: 3, inputTokens: 30, outputTokens: 5, totalTokens: 35, users: 2, errors: 2 },
    });

    const week = await stats({ period: "7d" });
    expect(week.bucketSeconds).toBe(3600);
    expectContiguous(week.series, T.getTime() - 7 * 1440 * MIN, 3600, 168);
    expect(week.totals).toEqual({
      events: 6,
      inputTokens: 130,
      outputTokens: 105,
      totalTokens: 235,
      users: 3,
      models: 2,
      errors: 2,
    });
    expect(Object.keys(nonEmpty(week.series))).toEqual(["120", "165", "167"]);
  });

  it("uses 6-hour buckets for 30 days and days for everything", async () => {
    const month = await stats({ period: "30d" });
    expect(month.bucketSeconds).toBe(21_600);
    expectContiguous(month.series, T.getTime() - 30 * 1440 * MIN, 21_600, 120);
    expect(month.totals.events).toBe(7);
    expect(Object.keys(nonEmpty(month.series))).toEqual(["40", "112", "119"]);

    // `all` spans the tenant's oldest to newest event.
    const all = await stats({ period: "all" });
    expect(all.bucketSeconds).toBe(86_400);
    expectContiguous(all.series, T.getTime() - 20 * 86_400_000, 86_400, 21);
    expect(all.totals.events).toBe(seeded.length);
    expect(all.series.reduce((sum, b) => sum + b.events, 0)).toBe(seeded.length);
    expect(all.series[20]!.events).toBe(2);
  });

  it("takes a custom range, aligned or not", async () => {
    const aligned = await stats({ period: { from: at(-10 * MIN), to: at(-4 * MIN) } });
    expect(aligned.bucketSeconds).toBe(60);
    expectContiguous(aligned.series, T.getTime() - 10 * MIN, 60, 6);
    expect(aligned.series.map((b) => b.events)).toEqual([0, 0, 0, 1, 0, 2]);

    const shifted = await stats({ period: { from: at(-10 * MIN + 30_000), to: at(-4 * MIN + 30_000) } });
    expectContiguous(shifted.series, T.getTime() - 10 * MIN, 60, 7);
    expect(shifted.series.map((b) => b.events)).toEqual([0, 0, 0, 1, 0, 2, 0]);

    const days = await stats({ period: { from: at(-3 * 1440 * MIN), to: at(-1440 * MIN) } });
    expect(days.bucketSeconds).toBe(3600);
    expect(days.series).toHaveLength(48);
    expect(days.totals).toMatchObject({ events: 1, inputTokens: 100, totalTokens: 200, users: 0, models: 1 });
  });

  it("applies the filters and stays inside the tenant", async () => {
    const interactions = await stats({ period: "1h", kind: "interaction" });
    expect(interactions.totals).toMatchObject({ events: 2, users: 2, models: 2, errors: 1 });
    expect(interactions.series.reduce((sum, b) => sum + b.events, 0)).toBe(2);

    expect((await stats({ period: "1h" }, other)).totals.events).toBe(4);
    const empty = await stats({ period: "all" }, `t_none_${randomUUID()}`);
    expect(empty).toEqual({
      totals: { events: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, users: 0, models: 0, errors: 0 },
      bucketSeconds: 86_400,
      series: [],
    });
    const none = await stats({ period: "1h" }, `t_none_${randomUUID()}`);
    expect(none.totals.events).toBe(0);
    expect(none.series).toHaveLength(60);
  });

  it("picks bucket sizes for a chart of about 30–200 points", () => {
    const h = 3_600_000;
    expect([1, 6, 24, 24 * 7, 24 * 30, 24 * 90].map((n) => bucketSecondsFor(n * h))).toEqual([
      60, 300, 900, 3600, 21_600, 86_400,
    ]);
    expect(bucketSecondsFor(10 * 365 * 24 * h)).toBe(4 * 86_400);
  });
});
