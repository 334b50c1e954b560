import { CLASSIFICATION_QUEUE, type ClassifyBatchPayload } from "@logbook/shared/jobs/classification";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { serverErrors, startApp } from "./helpers";
import { activity, clientId, type IngestResponse, interaction, postEvents, storedEvents, tenantWithKey } from "./ingest-fixtures";

describe("POST /v1/events: hand-off to classification", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const queue = new Queue<ClassifyBatchPayload>(CLASSIFICATION_QUEUE, { connection, prefix: inject("queuePrefix") });
  let tenant: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    tenant = await tenantWithKey(app, db, "ingest-classify", "enterprise");
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await queue.close();
    connection.disconnect();
    await ctx.close();
  });

  /** Event ids queued for this test's tenant so far. */
  async function queuedIds(): Promise<Set<string>> {
    const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    return new Set(jobs.filter((j) => j.data.tenantId === tenant.tenantId).flatMap((j) => j.data.eventIds));
  }

  /** Waits until `id` is queued for the tenant (the hand-off runs after the response). */
  async function waitQueued(id: string, timeoutMs = 5000): Promise<Set<string>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ids = await queuedIds();
      if (ids.has(id) || Date.now() > deadline) return ids;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function ingest(events: unknown[]) {
    const res = await postEvents(app, tenant.key, { events });
    expect(res.status).toBe(200);
    return ((await res.json()) as IngestResponse).results.map((r) => (r as { id: string }).id);
  }

  it("an interaction without intent or response type is queued with the tenant and its id", async () => {
    const [id] = await ingest([interaction()]);
    expect((await waitQueued(id!)).has(id!)).toBe(true);
    const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    const job = jobs.find((j) => j.data.eventIds.includes(id!));
    expect(job?.data).toEqual({ tenantId: tenant.tenantId, eventIds: [id] });
    expect(job?.name).toBe("classify-batch");
  });

  it("one job per request carries all its unlabelled interactions; only intent set still counts as unlabelled", async () => {
    const ids = await ingest([interaction(), interaction({ intent: "how_to" }), interaction({ response_type: "direct" })]);
    const queued = await waitQueued(ids[2]!);
    for (const id of ids) expect(queued.has(id)).toBe(true);
    const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    expect(jobs.find((j) => j.data.eventIds.includes(ids[0]!))?.data.eventIds).toEqual(ids);
  });

  it("an interaction with both labels, and other kinds, are not queued; client labels are stored as such", async () => {
    const labelled = await ingest([
      interaction({ intent: "troubleshooting", response_type: "rag_answer", sentiment: "negative" }),
      activity(),
    ]);
    // A later request's unlabelled interaction: once it is queued, the earlier hand-off is done too.
    const [marker] = await ingest([interaction()]);
    const queued = await waitQueued(marker!);
    expect(queued.has(marker!)).toBe(true);
    for (const id of labelled) expect(queued.has(id)).toBe(false);

    const row = (await storedEvents(db, tenant.tenantId)).find((e) => e.id === labelled[0]);
    expect(row).toMatchObject({ intent: "troubleshooting", response_type: "rag_answer" });
    expect(row?.labels).toEqual({
      intent: { source: "client" },
      response_type: { source: "client" },
      sentiment: { source: "client" },
    });
  });

  it("a duplicate is not queued again", async () => {
    const id = clientId("classify-dup");
    const [first] = await ingest([interaction({ id })]);
    await waitQueued(first!);
    await ingest([interaction({ id })]);
    const [marker] = await ingest([interaction()]);
    await waitQueued(marker!);
    const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    const carrying = jobs.filter((j) => j.data.tenantId === tenant.tenantId && j.data.eventIds.includes(first!));
    expect(carrying).toHaveLength(1);
  });
});
