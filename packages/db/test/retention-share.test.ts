import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { insertEvents } from "../src/queries/events";
import { ensurePartitions } from "../src/queries/partitions";
import { expiredShareOfDay, partitionPages } from "../src/queries/retention-run";

const DAY = 86_400_000;
let handle: DbHandle;
const tenantId = `t_share_${randomUUID()}`;
// A day of its own, years ahead: no other test writes there.
const day = Math.floor(Date.now() / DAY) * DAY + 3000 * DAY;
const partition = `events_p${new Date(day).toISOString().slice(0, 10).replaceAll("-", "")}`;
const noon = new Date(day + 12 * 3_600_000);

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 2 });
  await ensurePartitions(handle.db, new Date(day), new Date(day));
  // 3,000 events in time order over the day, as ingestion writes them: the expired half (before
  // noon) fills the first pages, the kept half the last ones.
  const events = Array.from({ length: 3000 }, (_, i) => ({
    kind: "system" as const,
    type: "sync.run",
    occurredAt: new Date(day + Math.floor((i * DAY) / 3000)).toISOString(),
  }));
  for (let i = 0; i < events.length; i += 500) await insertEvents(handle.db, { tenantId, events: events.slice(i, i + 500) });
  await handle.pool.query(`ANALYZE ${partition}`);
});
afterAll(() => handle?.close());

describe("expiredShareOfDay", () => {
  const slices = [{ tenantId, kind: "system" as const, before: noon }];

  it("counts a partition no larger than the sample exactly", async () => {
    expect(await expiredShareOfDay(handle.db, { partition, slices, samplePages: 100_000 })).toEqual({
      expired: 1500,
      total: 3000,
    });
  });

  it("estimates a larger one from a sample of its pages, without bias from rows written in time order", async () => {
    const { pages } = await partitionPages(handle.db, partition);
    expect(pages).toBeGreaterThan(20);
    const share = await expiredShareOfDay(handle.db, { partition, slices, samplePages: Math.floor(pages / 2) });
    // Read about half the pages (fewer rows than the partition holds), and found about half expired.
    expect(share.total).toBeGreaterThan(0);
    expect(share.total).toBeLessThan(3000);
    expect(share.expired / share.total).toBeGreaterThan(0.3);
    expect(share.expired / share.total).toBeLessThan(0.7);
    // The same pages every time.
    expect(await expiredShareOfDay(handle.db, { partition, slices, samplePages: Math.floor(pages / 2) })).toEqual(share);
  });
});
