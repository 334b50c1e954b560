import { createDb, type DbHandle } from "@logbook/db/client";
import { saveClassificationSettings } from "@logbook/db/queries/classification";
import { createClassificationRun, getClassificationRun } from "@logbook/db/queries/classification-runs";
import { type IngestRow, storeEvents } from "@logbook/db/queries/ingest";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { CLASSIFICATION_QUEUE } from "@logbook/shared/jobs/classification";
import { uuidv7 } from "@logbook/shared/ids";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classificationUpkeepProcessor } from "../src/processors/classification/classification-upkeep";
import { labelInteractions } from "../src/processors/classification/classify-batch";
import { reclassifyProcessor } from "../src/processors/classification/reclassify";
import type { JobContext } from "../src/queue-definition";
import { startWorkerRuntime, type WorkerRuntime } from "../src/runtime";
import { collectingLog, prefixFor, services, waitFor } from "./helpers";

let database: DbHandle;
const suffix = Date.now().toString(36);
const base = Date.now() - 3_600_000;
let seq = 0;

beforeAll(async () => {
  database = createDb(services().databaseUrl, { max: 4 });
  await ensurePartitions(database.db, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() + 86_400_000));
});

afterAll(async () => {
  await database?.close();
});

function interaction(fields: Partial<IngestRow> = {}): IngestRow {
  const occurredAt = new Date(base + seq++ * 1000).toISOString();
  return {
    id: uuidv7(Date.parse(occurredAt)),
    client_id: null,
    occurred_at: occurredAt,
    kind: "interaction",
    type: "ai.interaction",
    question: "My connector is failing with timeout errors",
    answer: "The connector's last runs timed out at the source; raise the timeout.",
    tool_calls: [{ name: "get_connector_runs", type: "tool", count: 1 }],
    ...fields,
  };
}

function feedback(ref: string, rating: "up" | "down", extra: Record<string, unknown> = {}): IngestRow {
  const occurredAt = new Date(base + seq++ * 1000).toISOString();
  return {
    id: uuidv7(Date.parse(occurredAt)),
    client_id: null,
    occurred_at: occurredAt,
    kind: "user_activity",
    type: "feedback.submitted",
    target_type: "interaction",
    target_id: ref,
    metadata: { rating, ...extra },
  };
}

interface Labelled {
  id: string;
  intent: string | null;
  response_type: string | null;
  sentiment: string | null;
  labels: Record<string, { source: string; confidence?: number; version?: string; top_words?: unknown[] }> | null;
}

async function read(tenantId: string, id: string): Promise<Labelled> {
  const result = await database.db.execute<Labelled & Record<string, unknown>>(
    sql`SELECT id, intent, response_type, sentiment, labels FROM events WHERE tenant_id = ${tenantId} AND id = ${id}`,
  );
  return result.rows[0]!;
}

const upkeep = (task: "feedback" | "sweep", now?: Date) =>
  classificationUpkeepProcessor(
    { task },
    {
      db: database.db,
      log: collectingLog(),
      jobState: async () => "unknown",
      enqueue: async () => {},
    } as unknown as JobContext,
    now,
  );

describe("classification", () => {
  it("labels unlabelled interactions with source, version, confidence and top words; client labels stay", async () => {
    const tenant = `t_cls_${suffix}`;
    const rows = [
      interaction(),
      interaction({ intent: "how_to", labels: { intent: { source: "client" } } }),
      interaction({ question: "What is a trust flag?", answer: "A trust flag marks…", tool_calls: [{ name: "search_catalog" }] }),
      interaction({ is_error: true, question: "How do I create a data product?", answer: null, tool_calls: null }),
    ];
    const stored = await storeEvents(database.db, { tenantId: tenant, rows });
    const ids = stored.map((s) => s.id);
    const result = await labelInteractions(database.db, { tenantId: tenant, ids });
    expect(result.changed).toBe(4);

    const [a, b, c, d] = await Promise.all(ids.map((id) => read(tenant, id)));
    expect(a!.intent).toBe("troubleshooting");
    expect(a!.response_type).toBe("connector_troubleshoot");
    expect(a!.labels!.intent).toMatchObject({ source: "model", version: expect.stringMatching(/^intent-logreg-/) });
    expect(a!.labels!.intent!.confidence).toBeGreaterThan(0.5);
    expect(a!.labels!.intent!.top_words!.length).toBeGreaterThan(0);
    expect(a!.labels!.response_type).toMatchObject({ source: "rule", confidence: 0.9 });
    expect(b!.intent).toBe("how_to");
    expect(b!.labels!.intent).toEqual({ source: "client" });
    expect(b!.labels!.response_type!.source).toBe("rule");
    expect(c!.intent).toBe("conceptual");
    expect(c!.response_type).toBe("rag_answer");
    expect(d!.response_type).toBe("error");

    // A retried job finds nothing left to label and changes nothing.
    expect((await labelInteractions(database.db, { tenantId: tenant, ids })).changed).toBe(0);

    // The rollups (statement triggers on UPDATE) moved the counts to the new labels.
    await database.db.execute(sql`SELECT logbook_compact_rollups()`);
    const facets = async (from: string) =>
      (
        await database.db.execute<{ intent: string | null; response_type: string | null; n: number }>(
          sql.raw(`SELECT intent, response_type, ${from === "events" ? "count(*)" : "sum(events)"}::int AS n FROM ${from}
                   WHERE tenant_id = '${tenant}' GROUP BY 1, 2 HAVING ${from === "events" ? "count(*)" : "sum(events)"} <> 0 ORDER BY 1, 2`),
        )
      ).rows;
    expect(await facets("event_rollups")).toEqual(await facets("events"));
  });

  it("precedence: client > feedback > model, for intent and sentiment, also across a reclassify", async () => {
    const tenant = `t_prec_${suffix}`;
    const rows = [
      interaction({ client_id: "ix-model" }),
      interaction({
        client_id: "ix-client",
        intent: "other",
        sentiment: "positive",
        labels: { intent: { source: "client" }, sentiment: { source: "client" } },
      }),
    ];
    const ids = (await storeEvents(database.db, { tenantId: tenant, rows })).map((s) => s.id);
    await labelInteractions(database.db, { tenantId: tenant, ids });
    expect((await read(tenant, ids[0]!)).labels!.intent!.source).toBe("model");

    await storeEvents(database.db, {
      tenantId: tenant,
      rows: [
        feedback("ix-model", "down", { intent: "how_to", comment: "not what I asked" }),
        feedback("ix-client", "down", { intent: "how_to" }),
      ],
    });
    expect(await upkeep("feedback")).toMatchObject({ resolved: 2, changed: 1 });

    const fed = await read(tenant, ids[0]!);
    expect(fed.sentiment).toBe("negative");
    expect(fed.intent).toBe("how_to");
    expect(fed.labels!.intent!.source).toBe("feedback");
    expect(fed.labels!.sentiment).toMatchObject({ source: "feedback", comment: "not what I asked" });
    const client = await read(tenant, ids[1]!);
    expect(client).toMatchObject({ intent: "other", sentiment: "positive" });
    expect(client.labels!.sentiment!.source).toBe("client");

    // Reclassifying the period keeps the feedback's intent and the client's labels.
    const run = await createClassificationRun(database.db, {
      tenantId: tenant,
      id: uuidv7(),
      from: new Date(base - 1000),
      to: new Date(Date.now()),
      createdBy: null,
    });
    await reclassifyProcessor({ tenantId: tenant, runId: run.id }, { db: database.db });
    expect((await read(tenant, ids[0]!)).intent).toBe("how_to");
    expect((await read(tenant, ids[0]!)).labels!.intent!.source).toBe("feedback");
    expect((await read(tenant, ids[1]!)).labels!.intent).toEqual({ source: "client" });
  });

  it("feedback applies whichever arrives first: before its interaction, and after", async () => {
    const tenant = `t_fb_${suffix}`;
    await storeEvents(database.db, { tenantId: tenant, rows: [feedback("ix-later", "up")] });
    expect(await upkeep("feedback")).toMatchObject({ resolved: 0 });

    // Fully labelled by the client, so no classification job: the feedback tick still applies it.
    const [later] = await storeEvents(database.db, {
      tenantId: tenant,
      rows: [
        interaction({
          client_id: "ix-later",
          intent: "conceptual",
          response_type: "direct",
          labels: { intent: { source: "client" }, response_type: { source: "client" } },
        }),
      ],
    });
    expect(await upkeep("feedback")).toMatchObject({ resolved: 1, changed: 1 });
    expect(await read(tenant, later!.id)).toMatchObject({ sentiment: "positive", intent: "conceptual", response_type: "direct" });

    const [earlier] = await storeEvents(database.db, { tenantId: tenant, rows: [interaction({ client_id: "ix-earlier" })] });
    await storeEvents(database.db, { tenantId: tenant, rows: [feedback("ix-earlier", "down")] });
    await upkeep("feedback");
    expect((await read(tenant, earlier!.id)).sentiment).toBe("negative");
    // A later thumbs-up replaces it; nothing is pending afterwards.
    await storeEvents(database.db, { tenantId: tenant, rows: [feedback("ix-earlier", "up")] });
    await upkeep("feedback");
    expect((await read(tenant, earlier!.id)).sentiment).toBe("positive");
    expect(await upkeep("feedback")).toEqual({ resolved: 0, changed: 0 });
  });

  it("which tools count as retrieval or connector tools is a per-tenant setting", async () => {
    const a = `t_tools_a_${suffix}`;
    const b = `t_tools_b_${suffix}`;
    await saveClassificationSettings(database.db, {
      tenantId: b,
      settings: { retrievalTools: ["kb_lookup"], connectorTools: ["check_source"] },
      updatedBy: "test",
    });
    const rows = () => [
      interaction({ tool_calls: [{ name: "kb_lookup", type: "tool", count: 1 }] }),
      interaction({ tool_calls: [{ name: "search_catalog", type: "tool", count: 2 }] }),
      interaction({ tool_calls: [{ name: "check_source", type: "tool", count: 1 }] }),
    ];
    const types = async (tenant: string) => {
      const ids = (await storeEvents(database.db, { tenantId: tenant, rows: rows() })).map((s) => s.id);
      await labelInteractions(database.db, { tenantId: tenant, ids });
      return Promise.all(ids.map(async (id) => (await read(tenant, id)).response_type));
    };
    expect(await types(a)).toEqual(["rag_answer", "rag_answer", "direct"]);
    expect(await types(b)).toEqual(["rag_answer", "direct", "connector_troubleshoot"]);
  });

  it("reclassify resumes after a crash: every interaction once, counts exact, client labels untouched", async () => {
    const tenant = `t_rerun_${suffix}`;
    const rows = Array.from({ length: 23 }, (_, i) =>
      i % 5 === 0
        ? interaction({
            intent: "other",
            response_type: "direct",
            labels: { intent: { source: "client" }, response_type: { source: "client" } },
          })
        : interaction({ question: i % 2 ? "How do I schedule a pipeline?" : "What is a data contract?" }),
    );
    const ids = (await storeEvents(database.db, { tenantId: tenant, rows })).map((s) => s.id);
    const run = await createClassificationRun(database.db, {
      tenantId: tenant,
      id: uuidv7(),
      from: new Date(base - 1000),
      to: new Date(Date.now()),
      createdBy: "u1",
    });
    expect(run.totalEstimate).toBe(23);
    const crash = new Error("worker killed");
    await expect(
      reclassifyProcessor(
        { tenantId: tenant, runId: run.id },
        { db: database.db },
        {
          batchSize: 5,
          afterBatch: (n) => {
            if (n === 2) throw crash;
          },
        },
      ),
    ).rejects.toBe(crash);
    const halfway = await getClassificationRun(database.db, { tenantId: tenant, id: run.id });
    expect(halfway).toMatchObject({ status: "running", done: 10 });

    const result = await reclassifyProcessor({ tenantId: tenant, runId: run.id }, { db: database.db }, { batchSize: 5 });
    expect(result.done).toBe(23);
    const finished = await getClassificationRun(database.db, { tenantId: tenant, id: run.id });
    expect(finished).toMatchObject({ status: "done", done: 23, changed: 23 - 5 });
    expect(finished!.modelVersion).toMatch(/^intent-logreg-/);
    for (const [i, id] of ids.entries()) {
      const row = await read(tenant, id);
      if (i % 5 === 0) expect(row).toMatchObject({ intent: "other", response_type: "direct" });
      else expect(row.intent).toBe(i % 2 ? "how_to" : "conceptual");
    }
    // A finished run run again (a duplicate job) does nothing.
    expect(await reclassifyProcessor({ tenantId: tenant, runId: run.id }, { db: database.db })).toEqual({
      done: 23,
      changed: 18,
    });
  });

  it("the sweep labels interactions whose hand-off was lost", async () => {
    const tenant = `t_sweep_${suffix}`;
    const [lost] = await storeEvents(database.db, { tenantId: tenant, rows: [interaction()] });
    await database.db.execute(sql`SELECT logbook_compact_rollups()`);
    await upkeep("sweep", new Date());
    expect((await read(tenant, lost!.id)).intent).toBeNull();
    await upkeep("sweep", new Date(Date.now() + 5 * 60_000));
    expect((await read(tenant, lost!.id)).intent).toBe("troubleshooting");
  });

  it("the worker process labels a hand-off from the classification queue", async () => {
    const tenant = `t_queue_${suffix}`;
    const { databaseUrl, redisUrl } = services();
    const prefix = prefixFor("classification");
    let runtime: WorkerRuntime | undefined;
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(CLASSIFICATION_QUEUE, { connection, prefix });
    try {
      runtime = await startWorkerRuntime({ databaseUrl, redisUrl, healthPort: 0, concurrency: 1, log: collectingLog(), prefix });
      const [stored] = await storeEvents(database.db, {
        tenantId: tenant,
        rows: [interaction({ question: "Wie erstelle ich ein Datenprodukt?" })],
      });
      await queue.add("classify-batch", { tenantId: tenant, eventIds: [stored!.id] });
      const row = await waitFor(async () => {
        const r = await read(tenant, stored!.id);
        return r.intent ? r : undefined;
      });
      expect(row.intent).toBe("how_to");
    } finally {
      await queue.close();
      connection.disconnect();
      await runtime?.stop();
    }
  });
});
