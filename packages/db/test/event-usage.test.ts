import { randomUUID } from "node:crypto";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { eventStatistics } from "../src/queries/event-stats";
import { eventUsage, type UsageDimension } from "../src/queries/event-usage";
import { insertEvents, type NewEvent } from "../src/queries/events";
import { ensurePartitions } from "../src/queries/partitions";

/** The usage's `now`: the start of today (UTC), so every bucket size lines up with it. */
const T = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
const MIN = 60_000;
const at = (ms: number) => new Date(T.getTime() + ms).toISOString();

const ai = (minutesAgo: number, fields: Partial<NewEvent>): NewEvent => ({
  kind: "interaction",
  type: "ai.interaction",
  occurredAt: at(-minutesAgo * MIN),
  ...fields,
});

// Inside the last hour (1-minute buckets): m1 × 3, m2 × 2, m3, m4, no model × 1.
const seeded: NewEvent[] = [
  ai(50, { model: "m1", actorId: "u1", actorEmail: "ann@example.com", actorName: "Ann", inputTokens: 10, outputTokens: 5 }),
  ai(50, { model: "m1", actorId: "u1", actorEmail: "ann@example.com", inputTokens: 1, sentiment: "positive" }),
  ai(10, { model: "m1", actorId: "u2", inputTokens: 100, outputTokens: 100, isError: true, sentiment: "negative" }),
  ai(10, { model: "m2", actorEmail: "bob@example.com", inputTokens: 7, sentiment: "positive" }),
  ai(9, { model: "m2", actorEmail: "bob@example.com", status: "failure", source: "api" }),
  ai(9, { model: "m3", actorId: "u1", source: "api", agent: "helper" }),
  ai(1, { model: "m4", actorId: "u3", source: "chat" }),
  ai(1, { actorId: "u3", source: "chat", outputTokens: 3 }),
  // Outside the hour, inside 24h and 7d.
  ai(3 * 60, { model: "m1", actorId: "u4", inputTokens: 1000 }),
  ai(3 * 1440, { model: "m5", actorId: "u5", inputTokens: 5 }),
  { kind: "system", type: "sync.dbt.finished", occurredAt: at(-20 * MIN), source: "dbt" },
  // `to` is exclusive.
  ai(0, { model: "m1", actorId: "u1" }),
];

let handle: DbHandle;
const tenant = `t_us_${randomUUID()}`;
const other = `t_uo_${randomUUID()}`;
const empty = `t_ue_${randomUUID()}`;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(T.getTime() - 8 * 86_400_000), new Date(T.getTime() + 2 * 86_400_000));
  await insertEvents(handle.db, { tenantId: tenant, events: seeded });
  // Another tenant's events that would change every number if they leaked.
  await insertEvents(handle.db, {
    tenantId: other,
    events: [ai(5, { model: "m1", actorId: "u1", inputTokens: 99_999 }), ai(5, { model: "leak", actorId: "x" })],
  });
});
afterAll(() => handle.close());

const usage = (
  filter: EventFilterInput,
  dimension: UsageDimension = "model",
  options: { tenantId?: string; splitLimit?: number; topLimit?: number } = {},
) =>
  eventUsage(handle.db, {
    tenantId: options.tenantId ?? tenant,
    filter: eventFilterSchema.parse(filter),
    dimension,
    now: T,
    canReadContent: true,
    splitLimit: options.splitLimit,
    topLimit: options.topLimit,
  });

describe("eventUsage", () => {
  it("totals requests, tokens, errors, error rate and thumbs up/down of the period", async () => {
    const result = await usage({ period: "1h", kind: "interaction" });
    expect(result.totals).toEqual({
      requests: 8,
      inputTokens: 118,
      outputTokens: 108,
      totalTokens: 226,
      errors: 2,
      errorRate: 0.25,
      positive: 2,
      negative: 1,
      positiveShare: 2 / 3,
      negativeShare: 1 / 3,
      users: 4,
    });
  });

  it("splits a contiguous, aligned series by the top values, with none and other", async () => {
    const result = await usage({ period: "1h", kind: "interaction" }, "model", { splitLimit: 3 });
    expect(result.bucketSeconds).toBe(60);
    expect(result.series).toHaveLength(60);
    result.series.forEach((b, i) => {
      expect(b.start).toBe(at(-60 * MIN + i * MIN));
    });
    // m1 (3) and m2 (2) lead; m3, m4 and "no model" tie at 1: sorted by value, nulls last → m3.
    expect(result.keys.map((k) => [k.kind, k.value, k.requests, k.tokens])).toEqual([
      ["value", "m1", 3, 216],
      ["value", "m2", 2, 7],
      ["value", "m3", 1, 0],
      ["other", null, 2, 3],
    ]);
    const bucket = (minutesAgo: number) => result.series[60 - minutesAgo]!;
    expect(bucket(50)).toMatchObject({ requests: 2, tokens: 16, errors: 0, requestsByKey: [2, 0, 0, 0] });
    expect(bucket(10)).toMatchObject({ requests: 2, tokens: 207, errors: 1, requestsByKey: [1, 1, 0, 0] });
    expect(bucket(9)).toMatchObject({ requests: 2, errors: 1, requestsByKey: [0, 1, 1, 0] });
    expect(bucket(1)).toMatchObject({ requests: 2, tokens: 3, requestsByKey: [0, 0, 0, 2], tokensByKey: [0, 0, 0, 3] });
    expect(bucket(30)).toEqual({
      start: at(-30 * MIN),
      requests: 0,
      tokens: 0,
      errors: 0,
      requestsByKey: [0, 0, 0, 0],
      tokensByKey: [0, 0, 0, 0],
    });
    // Every request is in exactly one key.
    const sum = result.series.reduce((n, b) => n + b.requests, 0);
    expect(sum).toBe(result.totals.requests);
    expect(result.keys.reduce((n, k) => n + k.requests, 0)).toBe(sum);
  });

  it("gives events without the dimension a key of their own when they rank", async () => {
    const result = await usage({ period: "1h", kind: "interaction" }, "source");
    expect(result.keys.map((k) => [k.kind, k.value, k.label, k.requests])).toEqual([
      ["none", null, "No source", 4],
      ["value", "api", "api", 2],
      ["value", "chat", "chat", 2],
    ]);
    expect(result.series[59]!.requestsByKey).toEqual([0, 0, 2]);
  });

  it("splits by user: actor id, else email, labelled by name or email", async () => {
    const result = await usage({ period: "1h", kind: "interaction" }, "user");
    expect(result.keys.map((k) => [k.value, k.label, k.byActorId, k.requests])).toEqual([
      ["u1", "Ann", true, 3],
      ["bob@example.com", "bob@example.com", false, 2],
      ["u3", "u3", true, 2],
      ["u2", "u2", true, 1],
    ]);
  });

  it("ranks top users and models with tokens and errors", async () => {
    const result = await usage({ period: "24h", kind: "interaction" }, "agent", { topLimit: 2 });
    expect(result.topUsers).toEqual([
      {
        value: "u1",
        label: "Ann",
        email: "ann@example.com",
        name: "Ann",
        byActorId: true,
        requests: 3,
        tokens: 16,
        errors: 0,
      },
      {
        value: "bob@example.com",
        label: "bob@example.com",
        email: "bob@example.com",
        name: null,
        byActorId: false,
        requests: 2,
        tokens: 7,
        errors: 1,
      },
    ]);
    expect(result.topModels.map((m) => [m.value, m.requests, m.tokens, m.errors])).toEqual([
      ["m1", 4, 1216, 1],
      ["m2", 2, 7, 1],
    ]);
    // Agent: one "helper", the rest without an agent.
    expect(result.keys.map((k) => [k.kind, k.value, k.requests])).toEqual([
      ["none", null, 8],
      ["value", "helper", 1],
    ]);
  });

  it("applies the filter and lines buckets up with eventStatistics", async () => {
    const filter: EventFilterInput = { period: "7d", kind: "interaction", model: ["m1", "m5"] };
    const [result, stats] = await Promise.all([
      usage(filter, "model"),
      eventStatistics(handle.db, { tenantId: tenant, filter: eventFilterSchema.parse(filter), now: T, canReadContent: true }),
    ]);
    expect(result.bucketSeconds).toBe(stats.bucketSeconds);
    expect(result.series.map((b) => [b.start, b.requests])).toEqual(stats.series.map((b) => [b.start, b.events]));
    expect(result.keys.map((k) => [k.value, k.requests])).toEqual([
      ["m1", 4],
      ["m5", 1],
    ]);
    expect(result.totals.requests).toBe(5);
  });

  it("takes a custom period and `all` (from the first to the last event, whole days)", async () => {
    const custom = await usage({ period: { from: at(-11 * MIN), to: at(-8 * MIN) } });
    expect(custom.totals.requests).toBe(4);
    expect(custom.series.map((b) => b.requests)).toEqual([0, 2, 2]);

    const all = await usage({ period: "all" });
    expect(all.bucketSeconds).toBe(86_400);
    expect(all.totals.requests).toBe(seeded.length);
    expect(all.series.reduce((n, b) => n + b.requests, 0)).toBe(seeded.length);
  });

  it("sees only its own tenant, and nothing for an empty one", async () => {
    const mine = await usage({ period: "1h" }, "model", { splitLimit: 12 });
    expect(mine.keys.map((k) => k.value)).not.toContain("leak");
    expect(mine.topUsers.map((u) => u.value)).not.toContain("x");

    const none = await usage({ period: "all" }, "model", { tenantId: empty });
    expect(none).toMatchObject({ keys: [], series: [], topUsers: [], topModels: [] });
    expect(none.totals).toMatchObject({ requests: 0, errorRate: 0, positiveShare: null });

    const quiet = await usage({ period: "1h" }, "user", { tenantId: empty });
    expect(quiet.series).toHaveLength(60);
    expect(quiet.keys).toEqual([]);
    expect(quiet.totals.requests).toBe(0);
  });
});
