import { savePrivacySettings } from "@logbook/db/queries/tenant-settings";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BodyOutcome, BodyTask } from "../src/ingest/prepare-body";
import { createBodyPreparer, INLINE_BELOW_BYTES, startPrepareThread } from "../src/ingest/prepare-pool";
import { serverErrors, startApp } from "./helpers";
import {
  activity,
  clientId,
  contentOf,
  type IngestResponse,
  interaction,
  postEvents,
  storedEvents,
  systemEvent,
  tenantWithKey,
} from "./ingest-fixtures";

const PRIVACY = { redactEmails: true, customPatterns: ["ticket-[A-Z]{4}\\d{2}"] };

/**
 * A big mixed batch: valid events of every kind, three rejected in every 50 (bad time, unknown field,
 * a NUL), one in every 50 repeating the client id of the event 4 before it, and the last repeating the
 * first (a duplicate of an earlier store chunk).
 */
function mixedBatch(label: string, n = 600) {
  const run = clientId(label);
  const id = (i: number) => `${run}-${i}`;
  return Array.from({ length: n }, (_, i) => {
    if (i === n - 1) return activity({ id: id(0) });
    if (i % 50 === 7) return systemEvent({ id: id(i), occurred_at: "yesterday" });
    if (i % 50 === 8) return activity({ id: id(i), actor: { id: "u", nickname: "x" } });
    if (i % 50 === 9) return activity({ id: id(i), metadata: { note: "a\u0000b" } });
    if (i % 50 === 10) return activity({ id: id(i - 4) });
    if (i % 3 === 0)
      return interaction({
        id: id(i),
        question: `mail ada@example.com about ticket-WXYZ42 (${i})`,
        metadata: { pad: "x".repeat(300) },
      });
    const metadata = { pad: "y".repeat(300) };
    return i % 3 === 1 ? activity({ id: id(i), metadata }) : systemEvent({ id: id(i), metadata });
  });
}

const task = (body: string, contentType = "application/json"): BodyTask => ({
  body: Buffer.from(body),
  contentType,
  privacy: PRIVACY,
  now: Date.now(),
});

/** An outcome without what differs between two preparations of one body: the server-assigned ids. */
function comparable(outcome: BodyOutcome) {
  if (!outcome.ok) return outcome;
  const { batch } = outcome;
  return {
    total: batch.total,
    rejected: batch.rejected,
    chunks: batch.chunks.map((c) => ({
      rowIndex: c.rowIndex,
      unlabelled: c.unlabelled,
      clientIds: c.store.clientIds,
      duplicates: c.store.outcomes.map((o) => o.duplicate),
      events: (JSON.parse(c.store.eventsJson) as Record<string, unknown>[]).map(({ id: _, ...rest }) => rest),
      contents: (JSON.parse(c.store.contentsJson) as Record<string, unknown>[]).map(({ id: _, ...rest }) => rest),
    })),
  };
}

describe("ingest threads: big bodies prepared off the event loop", () => {
  const inline = createBodyPreparer({ threads: 0 });
  const threaded = createBodyPreparer({ threads: 2, inlineBelowBytes: 0 });
  afterAll(async () => {
    await threaded.close();
  });

  it("a thread prepares a body exactly as the event loop does", async () => {
    const json = JSON.stringify({ events: mixedBatch("same") });
    const ndjson = mixedBatch("same-nd")
      .map((e) => JSON.stringify(e))
      .join("\n");
    for (const [body, type] of [
      [json, "application/json"],
      [ndjson, "application/x-ndjson"],
    ] as const) {
      const t = task(body, type);
      const [a, b] = await Promise.all([inline.prepare(t), threaded.prepare({ ...t, body: Buffer.from(body) })]);
      expect(a.ok && a.batch.rejected.length).toBe(36);
      expect(comparable(b)).toEqual(comparable(a));
    }
  });

  it("errors a client can act on come back from the thread as they are", async () => {
    for (const t of [
      task('{"events": [{"kind": "system",\n "type": }]}'),
      task("kind=system", "text/plain"),
      task('{"events": []}'),
      task(`${JSON.stringify(activity())}\n{oops`, "application/x-ndjson"),
    ]) {
      const a = await inline.prepare(t);
      expect(a.ok).toBe(false);
      expect(await threaded.prepare({ ...t, body: Buffer.from(t.body) })).toEqual(a);
    }
  });

  it("many bodies at once, more than threads: each gets its own outcome", async () => {
    const bodies = Array.from({ length: 7 }, (_, i) => JSON.stringify({ events: mixedBatch(`many-${i}`, 100 + i) }));
    const outcomes = await Promise.all(bodies.map((b) => threaded.prepare(task(b))));
    expect(outcomes.map((o) => o.ok && o.batch.total)).toEqual([100, 101, 102, 103, 104, 105, 106]);
  });

  it("a body a thread fails on fails alone; the next one is prepared", async () => {
    await expect(threaded.prepare({ ...task("{}"), contentType: 42 as never })).rejects.toThrow(/ingest thread/);
    const after = await threaded.prepare(task(JSON.stringify({ events: mixedBatch("after", 10) })));
    expect(after.ok && after.batch.total).toBe(10);
  });

  it("threads that cannot start: their bodies are prepared on the event loop, and after 3 it stops trying", async () => {
    const logs: string[] = [];
    let started = 0;
    const broken = createBodyPreparer({
      threads: 1,
      inlineBelowBytes: 0,
      log: (line) => logs.push(line),
      startThread: () => {
        started++;
        return new Worker("process.exit(3)", { eval: true });
      },
    });
    const bodies = Array.from({ length: 5 }, (_, i) => JSON.stringify({ events: mixedBatch(`broken-${i}`, 20 + i) }));
    const outcomes = await Promise.all(bodies.map((b) => broken.prepare(task(b))));
    expect(outcomes.map((o) => o.ok && o.batch.total)).toEqual([20, 21, 22, 23, 24]);
    expect(started).toBe(3);
    expect(logs).toEqual([expect.stringMatching(/^ingest threads unavailable \(ingest thread exited \(code 3\)\)/)]);
    await broken.close();
  });

  it("warmUp starts the threads before the first big body, which then uses them", async () => {
    let started = 0;
    const warm = createBodyPreparer({
      threads: 2,
      inlineBelowBytes: 0,
      startThread: () => {
        started++;
        return startPrepareThread();
      },
    });
    warm.warmUp();
    expect(started).toBe(2);
    const bodies = Array.from({ length: 3 }, (_, i) => JSON.stringify({ events: mixedBatch(`warm-${i}`, 30 + i) }));
    const outcomes = await Promise.all(bodies.map((b) => warm.prepare(task(b))));
    expect(outcomes.map((o) => o.ok && o.batch.total)).toEqual([30, 31, 32]);
    expect(started).toBe(2);
    await warm.close();
  });

  it("closed: a big body is refused, a small one is still prepared on the event loop", async () => {
    const closing = createBodyPreparer({ threads: 1, inlineBelowBytes: 1000 });
    const big = JSON.stringify({ events: mixedBatch("closed", 20) });
    expect((await closing.prepare(task(big))).ok).toBe(true);
    await closing.close();
    await expect(closing.prepare(task(big))).rejects.toThrow(/closed/);
    expect((await closing.prepare(task(JSON.stringify(activity())))).ok).toBe(true);
  });
});

describe("POST /v1/events: a body over the inline size, through the app's ingest thread", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let tenant: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    tenant = await tenantWithKey(app, db, "ingest-threads", "enterprise");
    await savePrivacySettings(db, { tenantId: tenant.tenantId, updatedBy: tenant.user.id, privacy: PRIVACY });
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("stores the valid events once, redacted, and reports every outcome in request order", async () => {
    const events = mixedBatch("app", 900);
    const body = JSON.stringify({ events });
    expect(Buffer.byteLength(body)).toBeGreaterThan(INLINE_BELOW_BYTES);
    const res = await postEvents(app, tenant.key, body);
    expect(res.status).toBe(207);
    const result = (await res.json()) as IngestResponse;
    expect(result).toMatchObject({ accepted: 900 - 54 - 19, duplicates: 19, rejected: 54 });
    expect(result.results.map((r) => r.index)).toEqual(events.map((_, i) => i));
    const nul = result.results[9];
    expect(nul?.status === "rejected" && nul.errors).toEqual([
      { path: "metadata.note", message: expect.stringContaining("NUL") },
    ]);
    const idOf = (i: number) => (result.results[i] as { id: string }).id;
    for (let i = 10; i < 900; i += 50) expect(result.results[i]).toMatchObject({ status: "duplicate", id: idOf(i - 4) });
    expect(result.results[899]).toMatchObject({ status: "duplicate", id: idOf(0) });

    const stored = await storedEvents(db, tenant.tenantId);
    expect(stored).toHaveLength(900 - 54 - 19);
    const first = result.results[0] as { id: string };
    const content = await contentOf(db, tenant.tenantId, first.id);
    expect(content?.question).toBe("mail [email] about [redacted] (0)");
  });
});
