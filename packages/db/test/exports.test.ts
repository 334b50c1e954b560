import { randomUUID } from "node:crypto";
import { exportRequestSchema } from "@logbook/shared/exports";
import { exportScheduleCreateSchema } from "@logbook/shared/export-schedule";
import { eventFilterSchema } from "@logbook/shared/filters";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { streamExportRows } from "../src/queries/export-rows";
import {
  createDueScheduledExports,
  createExportSchedule,
  listExportSchedules,
  updateExportSchedule,
} from "../src/queries/export-schedules";
import {
  cancelExport,
  completeExport,
  createExport,
  getExport,
  listExports,
  recordExportProgress,
  startExportRun,
} from "../src/queries/exports";
import { insertEvents } from "../src/queries/events";
import { listEventsFiltered } from "../src/queries/list-events-filtered";
import { ensurePartitions } from "../src/queries/partitions";

let handle: DbHandle;
const tenantA = `t_exa_${randomUUID()}`;
const tenantB = `t_exb_${randomUUID()}`;
const base = Date.now() - 3 * 3_600_000;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(Date.now() - 40 * 86_400_000), new Date(Date.now() + 86_400_000));
  const events = Array.from({ length: 30 }, (_, i) => ({
    kind: i % 3 === 0 ? ("system" as const) : ("interaction" as const),
    type: i % 3 === 0 ? "sync.done" : "ai.interaction",
    // Pairs share an instant: the id breaks the tie, as in the listing's keyset order.
    occurredAt: new Date(base + Math.floor(i / 2) * 60_000).toISOString(),
    model: i % 2 ? "m-odd" : "m-even",
    actorEmail: `user${i}@example.com`,
    metadata: { i, nested: { text: `a,"b"\n${i}` } },
    question: i % 3 === 0 ? null : `Mail carol@example.com about ${i}`,
    answer: i % 3 === 0 ? null : `=cmd|' /C calc'!A0 ${i}`,
  }));
  await insertEvents(handle.db, { tenantId: tenantA, events });
  await insertEvents(handle.db, {
    tenantId: tenantB,
    events: [{ kind: "interaction", type: "ai.interaction", occurredAt: new Date(base).toISOString(), question: "B only" }],
  });
});
afterAll(() => handle.close());

async function rowsOf(tenantId: string, filter: object, columns: string[], contentAccess: "full" | "redacted" | "none" = "full") {
  const request = exportRequestSchema.parse({ filter, columns });
  const lines: string[] = [];
  const total = await streamExportRows(
    handle.db,
    { tenantId, filter: request.filter, columns: request.columns!, contentAccess, batchSize: 7 },
    { onBatch: (batch) => void lines.push(...batch) },
  );
  expect(total).toBe(lines.length);
  return lines.map((l) => JSON.parse(l) as unknown[]);
}

describe("export rows", () => {
  it("are exactly the read path's rows for the same filter, in its keyset order (oldest first)", async () => {
    const filter = { period: "24h", kind: ["interaction"], model: ["m-odd"] };
    const rows = await rowsOf(tenantA, filter, ["id", "occurred_at", "model", "metadata"]);
    const listed = await listEventsFiltered(handle.db, {
      tenantId: tenantA,
      filter: eventFilterSchema.parse({ ...filter, order: "asc", limit: 500 }),
      secret: "s",
      canReadContent: true,
    });
    expect(rows.map((r) => r[0])).toEqual(listed.items.map((e) => e.id));
    expect(rows.map((r) => r[1])).toEqual(listed.items.map((e) => e.occurredAt));
    expect(rows[0]?.[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(rows.map((r) => r[3])).toEqual(listed.items.map((e) => e.metadata));
    expect(rows.length).toBeGreaterThan(5);
  });

  it("carry content only for roles that may read it; never another tenant's rows", async () => {
    const withContent = await rowsOf(tenantA, { period: "24h", kind: "interaction" }, ["id", "question"]);
    expect(withContent.every((r) => typeof r[1] === "string")).toBe(true);
    const none = await rowsOf(tenantA, { period: "24h", kind: "interaction" }, ["id", "question"], "none");
    expect(none.every((r) => r[1] === null)).toBe(true);
    const b = await rowsOf(tenantB, { period: "24h" }, ["id", "question"]);
    expect(b).toHaveLength(1);
    expect(b[0]?.[1]).toBe("B only");
  });
});

describe("export runs", () => {
  it("resolve a relative period when created, list and get per tenant only", async () => {
    const now = new Date();
    const created = await createExport(handle.db, {
      tenantId: tenantA,
      request: exportRequestSchema.parse({ filter: { period: "7d", kind: "system" }, format: "jsonl", gzip: true }),
      contentAccess: "redacted",
      createdVia: "ui",
      now,
    });
    expect(created.status).toBe("queued");
    expect(created.periodTo.getTime()).toBe(now.getTime());
    expect(created.periodFrom.getTime()).toBe(now.getTime() - 7 * 86_400_000);
    expect(created.filter.period).toEqual({ from: created.periodFrom.toISOString(), to: now.toISOString() });
    expect(created.columns).not.toContain("question");
    expect((await listExports(handle.db, { tenantId: tenantA })).map((e) => e.id)).toContain(created.id);
    expect(await getExport(handle.db, { tenantId: tenantB, id: created.id })).toBeNull();
    expect(await listExports(handle.db, { tenantId: tenantB })).toEqual([]);
    expect(await cancelExport(handle.db, { tenantId: tenantB, id: created.id })).toBeNull();
  });

  it("cancel: a queued export at once, a running one at its next progress report", async () => {
    const request = exportRequestSchema.parse({});
    const queued = await createExport(handle.db, { tenantId: tenantA, request, contentAccess: "full", createdVia: "api" });
    expect((await cancelExport(handle.db, { tenantId: tenantA, id: queued.id }))?.status).toBe("cancelled");
    expect(await startExportRun(handle.db, { tenantId: tenantA, id: queued.id })).toBeNull();

    const running = await createExport(handle.db, { tenantId: tenantA, request, contentAccess: "full", createdVia: "api" });
    expect((await startExportRun(handle.db, { tenantId: tenantA, id: running.id }))?.status).toBe("running");
    expect(await recordExportProgress(handle.db, { tenantId: tenantA, id: running.id, rowsDone: 10, rowsEstimate: 30 })).toBe(
      true,
    );
    expect((await cancelExport(handle.db, { tenantId: tenantA, id: running.id }))?.status).toBe("running");
    expect(await recordExportProgress(handle.db, { tenantId: tenantA, id: running.id, rowsDone: 20 })).toBe(false);
  });

  it("filter the list by schedule, status and period", async () => {
    const request = exportRequestSchema.parse({
      filter: { period: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" } },
    });
    const e = await createExport(handle.db, { tenantId: tenantA, request, contentAccess: "full", createdVia: "api" });
    await startExportRun(handle.db, { tenantId: tenantA, id: e.id });
    await completeExport(handle.db, {
      tenantId: tenantA,
      id: e.id,
      rows: 0,
      sizeBytes: 10,
      sha256: "ab",
      fileKey: "k",
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const inJanuary = await listExports(handle.db, {
      tenantId: tenantA,
      status: ["ready"],
      from: new Date("2026-01-01T12:00:00Z"),
      to: new Date("2026-01-01T13:00:00Z"),
    });
    expect(inJanuary.map((x) => x.id)).toEqual([e.id]);
    expect(
      await listExports(handle.db, { tenantId: tenantA, status: ["ready"], from: new Date("2026-01-02T00:00:00Z") }),
    ).not.toContainEqual(expect.objectContaining({ id: e.id }));
  });
});

describe("scheduler catch-up", () => {
  it("turns every missed period into one export, contiguous, once — also when the tick runs again", async () => {
    const tenant = `t_exs_${randomUUID()}`;
    // Created 4 days and some hours ago in Paris; the worker never ran since.
    const createdAt = new Date(Date.now() - 4.5 * 86_400_000);
    const schedule = await createExportSchedule(handle.db, {
      tenantId: tenant,
      schedule: exportScheduleCreateSchema.parse({
        name: "daily",
        frequency: "daily",
        timeOfDay: "00:00",
        timeZone: "Europe/Paris",
        filter: { kind: ["system"] },
      }),
      now: createdAt,
    });
    const now = new Date();
    const first = (await createDueScheduledExports(handle.db, { now })).filter((e) => e.tenantId === tenant);
    expect(first.length).toBeGreaterThanOrEqual(4);
    expect(first.length).toBeLessThanOrEqual(5);
    expect(first[0]?.periodFrom.getTime()).toBe(schedule.lastPeriodEnd.getTime());
    for (let i = 1; i < first.length; i++) expect(first[i]?.periodFrom.getTime()).toBe(first[i - 1]?.periodTo.getTime());
    expect(first.every((e) => e.periodTo.getTime() <= now.getTime())).toBe(true);

    const again = (await createDueScheduledExports(handle.db, { now })).filter((e) => e.tenantId === tenant);
    expect(again).toEqual([]);
    const stored = await listExports(handle.db, { tenantId: tenant, scheduleId: schedule.id });
    expect(stored).toHaveLength(first.length);
    expect(stored.every((e) => e.createdVia === "schedule" && e.filter.kind?.[0] === "system")).toBe(true);
    const [after] = await listExportSchedules(handle.db, { tenantId: tenant });
    expect(after?.lastPeriodEnd.getTime()).toBe(first[first.length - 1]?.periodTo.getTime());

    // Disabled schedules do not run.
    await updateExportSchedule(handle.db, { tenantId: tenant, id: schedule.id, changes: { enabled: false } });
    expect(
      (await createDueScheduledExports(handle.db, { now: new Date(Date.now() + 3 * 86_400_000) })).filter(
        (e) => e.tenantId === tenant,
      ),
    ).toEqual([]);
  });
});
