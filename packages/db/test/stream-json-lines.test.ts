import { randomUUID } from "node:crypto";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { insertEvents } from "../src/queries/events";
import { inlineParams, listEventsFiltered, streamEventJsonLines } from "../src/queries/list-events-filtered";
import { ensurePartitions } from "../src/queries/partitions";

/**
 * JSON Lines come from COPY, which takes no bind parameters: the filter's values are inlined as
 * literals. Hostile values must match exactly what the parameterised listing matches, and never more.
 */

const hostile = ["o'brien", "back\\slash", 'quote"d', "x' OR '1'='1", "semi;colon -- comment", "dollar $1 $$ tag", "ünï©ødé"];
const tenant = `t_jl_${randomUUID()}`;
const other = `t_jo_${randomUUID()}`;
let handle: DbHandle;
const now = new Date();

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + 86_400_000));
  const at = (i: number) => new Date(now.getTime() - 60_000 * (i + 1)).toISOString();
  await insertEvents(handle.db, {
    tenantId: tenant,
    events: hostile.flatMap((value, i) => [
      {
        kind: "system" as const,
        type: "sync.finished",
        occurredAt: at(i),
        source: value,
        actorName: value,
        metadata: { [value]: value },
      },
      { kind: "system" as const, type: "sync.started", occurredAt: at(i + 20), source: `${value}-other` },
    ]),
  });
  await insertEvents(handle.db, {
    tenantId: other,
    events: [{ kind: "system", type: "sync.finished", occurredAt: at(0), source: hostile[0] }],
  });
});
afterAll(() => handle.close());

async function streamed(filter: EventFilterInput) {
  const stream = await streamEventJsonLines(handle.db, {
    tenantId: tenant,
    filter: eventFilterSchema.parse(filter),
    secret: "s".repeat(32),
    canReadContent: true,
    now,
  });
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; source: string });
}

async function listed(filter: EventFilterInput) {
  const page = await listEventsFiltered(handle.db, {
    tenantId: tenant,
    filter: eventFilterSchema.parse({ ...filter, limit: 500 }),
    secret: "s".repeat(32),
    canReadContent: true,
    now,
  });
  return page.items.map((e) => e.id);
}

describe("JSON Lines through COPY", () => {
  it("match hostile filter values exactly as the parameterised listing does", async () => {
    for (const value of hostile) {
      for (const filter of [
        { source: value },
        { source: [value, `${value}-other`] },
        { actor: value },
        { metadata: [{ path: [value], op: "eq" as const, value }] },
      ]) {
        const lines = await streamed({ period: "24h", ...filter });
        expect(lines.map((l) => l.id)).toEqual(await listed({ period: "24h", ...filter }));
        expect(lines.length).toBeGreaterThan(0);
      }
    }
  });

  it("stream only the tenant's events, as valid JSON with the listing's fields", async () => {
    const lines = await streamed({ period: "24h" });
    expect(lines).toHaveLength(hostile.length * 2);
    expect(lines.map((l) => l.id)).toEqual(await listed({ period: "24h" }));
    expect(new Set(lines.map((l) => l.source))).toEqual(new Set(hostile.flatMap((v) => [v, `${v}-other`])));
  });

  it("inline only the value types the filter compiler produces", () => {
    expect(inlineParams("a = $1 AND b = $2 AND c = $10", ["x'y", 5, 0, 0, 0, 0, 0, 0, 0, true])).toBe(
      "a = 'x''y' AND b = '5' AND c = 'true'",
    );
    expect(inlineParams("p = $1::text[]", [['a"b', "c\\d", "e'f"]])).toBe(`p = '{"a\\"b","c\\\\d","e''f"}'::text[]`);
    expect(() => inlineParams("a = $1", [{ object: true }])).toThrow(/unsupported/);
    expect(() => inlineParams("a = $1", ["nul\0"])).toThrow(/NUL/);
    expect(() => inlineParams("a = $2", ["x"])).toThrow(/no parameter/);
  });
});

describe("the snapshot of a stream", () => {
  it("is taken only when no retention rewrite runs (it waits at the rewrite gate first)", async () => {
    // What a retention rewrite holds while it truncates and refills a day (migration 0010).
    const holder = await handle.pool.connect();
    let opened = false;
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE logbook_rewrite_gate IN ACCESS EXCLUSIVE MODE");
      const opening = streamEventJsonLines(handle.db, {
        tenantId: tenant,
        filter: eventFilterSchema.parse({}),
        secret: "s".repeat(32),
        canReadContent: true,
        now,
      });
      opening.then(
        () => {
          opened = true;
        },
        () => {},
      );
      await new Promise((r) => setTimeout(r, 300));
      // Still waiting: no snapshot yet, no line.
      expect(opened).toBe(false);
      await holder.query("COMMIT");
      let text = "";
      for await (const chunk of await opening) text += String(chunk);
      expect(text.split("\n").filter(Boolean)).toHaveLength(hostile.length * 2);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
    }
  });
});
