import { createDb, type DbHandle } from "@logbook/db/client";
import { insertEvents } from "@logbook/db/queries/events";
import { uuidv7 } from "@logbook/shared/ids";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../src/registry";
import { startWorkerRuntime, type WorkerRuntime } from "../src/runtime";
import { collectingLog, partitionSuffix, prefixFor, services, waitForFinished } from "./helpers";

describe("worker runtime", () => {
  let runtime: WorkerRuntime;
  let database: DbHandle;
  const log = collectingLog();

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = services();
    database = createDb(databaseUrl, { max: 2 });
    runtime = await startWorkerRuntime({
      databaseUrl,
      redisUrl,
      healthPort: 0,
      concurrency: 2,
      log,
      prefix: prefixFor("runtime"),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await database?.close();
  });

  it("registers the hourly partitions scheduler at start", async () => {
    const schedulers = await runtime.queues.partitions.getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: "ensure-partitions-hourly", name: "partitions", every: 3_600_000 }),
    ]);
  });

  it("runs a partitions job end to end: the partitions for today+N exist afterwards", async () => {
    const ahead = 40; // migrate and the scheduler's default (14) stop well before this
    const exists = async (days: number) => {
      const suffix = partitionSuffix(days);
      const { rows } = await database.pool.query<{ relname: string }>(
        "SELECT relname FROM pg_class WHERE relname = ANY($1) ORDER BY relname",
        [[`events_p${suffix}`, `event_contents_p${suffix}`]],
      );
      return rows.map((r) => r.relname);
    };
    expect(await exists(ahead)).toEqual([]);

    const job = await runtime.enqueue("partitions", { daysAhead: ahead, daysBack: 0 });
    const finished = await waitForFinished(runtime.queues.partitions, job.id);

    expect(await finished.getState()).toBe("completed");
    expect(finished.returnvalue.created).toBeGreaterThan(0);
    expect(await exists(ahead)).toEqual([`event_contents_p${partitionSuffix(ahead)}`, `events_p${partitionSuffix(ahead)}`]);
    expect(await exists(ahead + 1)).toEqual([]);

    // Idempotent: the same range again creates nothing.
    const again = await waitForFinished(
      runtime.queues.partitions,
      (await runtime.enqueue("partitions", { daysAhead: ahead, daysBack: 0 })).id,
    );
    expect(again.returnvalue).toEqual({ created: 0 });
  });

  it("fails an invalid payload once, without retries, naming the field", async () => {
    // Added straight to the queue, as a producer that skips enqueue()'s validation would.
    const job = await runtime.queues.partitions.add("partitions", { daysAhead: "soon" }, { attempts: 5 });
    const finished = await waitForFinished(runtime.queues.partitions, job.id);

    expect(await finished.getState()).toBe("failed");
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toContain("daysAhead");
    expect(finished.failedReason).toContain("invalid partitions payload");
  });

  it("enqueue() rejects an invalid payload before it reaches Redis", async () => {
    const before = await runtime.queues.classification.count();
    // @ts-expect-error eventIds is required
    await expect(runtime.enqueue("classification", { tenantId: "t1" })).rejects.toThrow(/eventIds/);
    // Content never travels in a payload: unknown keys are refused.
    await expect(
      // @ts-expect-error question is not part of the payload
      runtime.enqueue("classification", { tenantId: "t1", eventIds: [uuidv7()], question: "secret" }),
    ).rejects.toThrow(/question/);
    expect(await runtime.queues.classification.count()).toBe(before);
  });

  it("accepts a classification batch (ids it does not find are skipped)", async () => {
    const job = await runtime.enqueue("classification", { tenantId: "t1", eventIds: [uuidv7(), uuidv7()] });
    const finished = await waitForFinished(runtime.queues.classification, job.id);
    expect(finished.returnvalue).toEqual({ requested: 2, unlabelled: 0, changed: 0 });
  });

  it("registers the rollup compaction scheduler and folds pending deltas into the rollups", async () => {
    const schedulers = await runtime.queues.rollups.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: "compact-rollups", name: "rollups", every: 10_000 })]);

    const tenantId = `rollups_${uuidv7().slice(-8)}`;
    const at = new Date().toISOString();
    await insertEvents(database.db, {
      tenantId,
      events: [
        {
          occurredAt: at,
          kind: "interaction",
          type: "ai.interaction",
          model: "m1",
          inputTokens: 10,
          outputTokens: 5,
          actorId: "u1",
        },
        {
          occurredAt: at,
          kind: "interaction",
          type: "ai.interaction",
          model: "m1",
          inputTokens: 1,
          outputTokens: 1,
          actorId: "u2",
        },
      ],
    });
    const job = await runtime.enqueue("rollups", {});
    const finished = await waitForFinished(runtime.queues.rollups, job.id);
    expect(await finished.getState()).toBe("completed");
    const { rows } = await database.pool.query(
      `SELECT (SELECT count(*)::int FROM event_rollup_deltas WHERE tenant_id = $1) AS pending,
              (SELECT sum(events)::int FROM event_rollups WHERE tenant_id = $1) AS events,
              (SELECT sum(input_tokens)::int FROM event_rollups WHERE tenant_id = $1) AS input_tokens,
              (SELECT count(*)::int FROM event_user_sketches WHERE tenant_id = $1) AS sketches`,
      [tenantId],
    );
    // One sketch for the kind, one for all kinds together.
    expect(rows[0]).toEqual({ pending: 0, events: 2, input_tokens: 11, sketches: 2 });
  });

  it("answers /health with 200 when Redis and Postgres answer", async () => {
    const response = await fetch(`http://127.0.0.1:${runtime.healthPort}/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", redis: "ok", postgres: "ok" });
    expect(body.queues.map((q: { name: string }) => q.name)).toEqual(registry.map((q) => q.queue));
    expect(body.queues[0]).toMatchObject({ worker: "running", counts: expect.objectContaining({ waiting: expect.any(Number) }) });

    expect((await fetch(`http://127.0.0.1:${runtime.healthPort}/nope`)).status).toBe(404);
  });
});
