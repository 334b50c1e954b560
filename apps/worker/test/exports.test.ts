import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { createDb, type DbHandle } from "@logbook/db/client";
import { cancelExport, createExport, getExport } from "@logbook/db/queries/exports";
import { insertEvents } from "@logbook/db/queries/events";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { exportRequestSchema } from "@logbook/shared/exports";
import { EXPORTS_QUEUE, runExportJobOptions } from "@logbook/shared/jobs/exports";
import { localExportStore } from "@logbook/shared/node/export-store";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerRuntime, type WorkerRuntime } from "../src/runtime";
import { collectingLog, prefixFor, services, waitFor } from "./helpers";

let database: DbHandle;
let runtime: WorkerRuntime | undefined;
let exportDir: string;
const tenant = `t_wx_${Date.now().toString(36)}`;
/** A tenant with 150,000 events (seeded by the kill test, exported again by the cancel test). */
let big = "";
const base = Date.now() - 2 * 3_600_000;
const hostile = ['say "hi", ok', "line1\nline2", "=1+1", "-3", "@me", "\tTab", "\rCR first", "cr\r\nlf", "日本語 🎉", "+x,y"];

beforeAll(async () => {
  const { databaseUrl } = services();
  database = createDb(databaseUrl, { max: 4 });
  exportDir = await mkdtemp(join(tmpdir(), "logbook-exports-"));
  await ensurePartitions(database.db, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() + 86_400_000));
  await insertEvents(database.db, {
    tenantId: tenant,
    events: hostile.map((text, i) => ({
      kind: "interaction" as const,
      type: "ai.interaction",
      occurredAt: new Date(base + i * 1000).toISOString(),
      actorName: text,
      metadata: { text, n: i },
      toolCalls: [{ name: "search", type: "function", count: i }],
      question: `Write to carol@example.com: ${text}`,
      answer: "ok",
    })),
  });
});

afterAll(async () => {
  await runtime?.stop();
  await database?.close();
  await rm(exportDir, { recursive: true, force: true });
});

async function startRuntime(name: string) {
  const { databaseUrl, redisUrl } = services();
  runtime = await startWorkerRuntime({
    databaseUrl,
    redisUrl,
    healthPort: 0,
    concurrency: 2,
    log: collectingLog(),
    prefix: prefixFor(name),
    exportDir,
    lockDurationMs: 1000,
  });
  return runtime;
}

async function runExport(request: object, contentAccess: "full" | "redacted" = "full", tenantId = tenant) {
  const row = await createExport(database.db, {
    tenantId,
    request: exportRequestSchema.parse(request),
    contentAccess,
    createdVia: "api",
  });
  await (runtime as WorkerRuntime).enqueue(EXPORTS_QUEUE, { tenantId, exportId: row.id }, runExportJobOptions(row.id));
  return waitFor(
    async () => {
      const e = await getExport(database.db, { tenantId, id: row.id });
      return e && ["ready", "failed", "cancelled"].includes(e.status) ? e : undefined;
    },
    60_000,
    "export to finish",
  );
}

describe("exports worker", () => {
  it("writes a CSV that a standard parser reads back to the query's rows, with auditors' content redacted", async () => {
    await startRuntime("exports");
    const done = await runExport(
      {
        filter: { period: "24h", kind: "interaction" },
        columns: ["id", "occurred_at", "actor_name", "metadata", "tool_calls", "question"],
      },
      "redacted",
    );
    expect(done.status).toBe("ready");
    expect(done.rowsDone).toBe(hostile.length);
    const bytes = await readFile(join(exportDir, done.fileKey as string));
    expect(done.sizeBytes).toBe(bytes.length);
    expect(done.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const rows = parse(bytes, { bom: true }) as string[][];
    expect(rows[0]).toEqual(["id", "occurred_at", "actor_name", "metadata", "tool_calls", "question"]);
    expect(rows).toHaveLength(hostile.length + 1);
    for (const [i, text] of hostile.entries()) {
      const row = rows[i + 1] as string[];
      expect(row[1]).toBe(new Date(base + i * 1000).toISOString().replace("Z", "000Z"));
      expect(row[2]).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      expect(JSON.parse(row[3] as string)).toEqual({ text, n: i });
      expect(JSON.parse(row[4] as string)).toEqual([{ name: "search", type: "function", count: i }]);
      expect(row[5]).not.toContain("carol@example.com");
    }
    // Only the complete file is in the directory.
    expect(await readdir(join(exportDir, tenant.replace(/[^A-Za-z0-9_-]/g, "_")))).toEqual([done.fileKey?.split("/")[1]]);
  });

  it("CSV written by Postgres (full content) parses back to exactly the stored values", async () => {
    const done = await runExport({
      filter: { period: "24h", kind: "interaction" },
      columns: ["id", "occurred_at", "actor_name", "metadata", "tool_calls", "is_error", "question", "answer"],
    });
    expect(done.status).toBe("ready");
    const bytes = await readFile(join(exportDir, done.fileKey as string));
    expect(done.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(bytes.toString("utf8").endsWith("\r\n")).toBe(true);
    const rows = parse(bytes, { bom: true }) as string[][];
    expect(rows).toHaveLength(hostile.length + 1);
    for (const [i, text] of hostile.entries()) {
      const row = rows[i + 1] as string[];
      expect(row[1]).toBe(new Date(base + i * 1000).toISOString().replace("Z", "000Z"));
      expect(row[2]).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      expect(JSON.parse(row[3] as string)).toEqual({ text, n: i });
      expect(JSON.parse(row[4] as string)).toEqual([{ name: "search", type: "function", count: i }]);
      expect(row[5]).toBe("");
      expect(row[6]).toBe(`Write to carol@example.com: ${text}`);
      expect(row[7]).toBe("ok");
    }
  });

  it("writes gzip JSON Lines with full content for roles that read it", async () => {
    const done = await runExport({
      filter: { period: "24h", kind: "interaction" },
      format: "jsonl",
      gzip: true,
      columns: ["id", "actor_name", "question"],
    });
    expect(done.status).toBe("ready");
    const text = gunzipSync(await readFile(join(exportDir, done.fileKey as string))).toString("utf8");
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.actor_name)).toEqual(hostile);
    expect(lines[0].question).toContain("carol@example.com");
  });

  it("a worker killed mid-export: the job is retried and leaves exactly one complete file", async () => {
    big = `t_wk_${Date.now().toString(36)}`;
    const rows = 150_000;
    await database.pool.query(
      // Labelled: the classification tests' sweep (same database) must not find 150,000 rows to label.
      `INSERT INTO events (tenant_id, id, occurred_at, kind, type, model, intent, response_type, metadata)
       SELECT $1, gen_random_uuid(), now() - interval '1 hour' + make_interval(secs => g / 100.0), 'interaction', 'ai.interaction',
              'model-' || (g % 7), 'other', 'direct', jsonb_build_object('g', g)
       FROM generate_series(1, $2) g`,
      [big, rows],
    );
    await runtime?.stop();
    runtime = undefined;
    const { databaseUrl, redisUrl } = services();
    const prefix = prefixFor("exports-kill");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "fixtures/export-worker-child.ts"), databaseUrl, redisUrl, prefix, exportDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
    const row = await createExport(database.db, {
      tenantId: big,
      request: exportRequestSchema.parse({ filter: { period: "24h" }, gzip: false }),
      contentAccess: "full",
      createdVia: "api",
    });
    // Enqueued through a runtime of the same prefix that serves no queue.
    const producer = await startWorkerRuntime({
      databaseUrl,
      redisUrl,
      healthPort: 0,
      concurrency: 1,
      log: () => {},
      prefix,
      exportDir,
      registry: [],
    });
    const { Queue } = await import("bullmq");
    const queue = new Queue(EXPORTS_QUEUE, { connection: { url: redisUrl }, prefix });
    await queue.add(EXPORTS_QUEUE, { tenantId: big, exportId: row.id }, runExportJobOptions(row.id));
    await waitFor(
      async () => {
        const e = await getExport(database.db, { tenantId: big, id: row.id });
        return e && e.status === "running" && e.rowsDone > 0 ? e : undefined;
      },
      60_000,
      "export to be half-way",
    );
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const half = await getExport(database.db, { tenantId: big, id: row.id });
    expect(half?.status).toBe("running");
    expect(half?.fileKey).toBeNull();

    runtime = await startRuntime("exports-kill");
    const done = await waitFor(
      async () => {
        const e = await getExport(database.db, { tenantId: big, id: row.id });
        return e && ["ready", "failed"].includes(e.status) ? e : undefined;
      },
      90_000,
      "the retried export",
    );
    await queue.close();
    await producer.stop();
    expect(done.status).toBe("ready");
    expect(done.attempts).toBe(2);
    expect(done.rowsDone).toBe(rows);
    const dir = join(exportDir, big.replace(/[^A-Za-z0-9_-]/g, "_"));
    expect(await readdir(dir)).toEqual([done.fileKey?.split("/")[1]]);
    const bytes = await readFile(join(exportDir, done.fileKey as string));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(done.sha256);
    expect(bytes.toString("utf8").trimEnd().split("\r\n")).toHaveLength(rows + 1);
  }, 180_000);

  it("cancel stops a running export at its next batch and leaves no file", async () => {
    expect(big).not.toBe("");
    const row = await createExport(database.db, {
      tenantId: big,
      request: exportRequestSchema.parse({ filter: { period: "24h" }, format: "jsonl" }),
      contentAccess: "full",
      createdVia: "api",
    });
    await (runtime as WorkerRuntime).enqueue(EXPORTS_QUEUE, { tenantId: big, exportId: row.id }, runExportJobOptions(row.id));
    const running = await waitFor(
      async () => {
        const e = await getExport(database.db, { tenantId: big, id: row.id });
        return e && e.status === "running" && e.rowsDone > 0 ? e : undefined;
      },
      60_000,
      "export to be running",
    );
    expect(running.rowsEstimate).toBeGreaterThanOrEqual(150_000); // + the first export's export.finished event
    await cancelExport(database.db, { tenantId: big, id: row.id });
    const done = await waitFor(
      async () => {
        const e = await getExport(database.db, { tenantId: big, id: row.id });
        return e && ["cancelled", "ready"].includes(e.status) ? e : undefined;
      },
      60_000,
      "cancel",
    );
    expect(done.status).toBe("cancelled");
    expect(done.rowsDone).toBeLessThan(150_000);
    const files = await readdir(join(exportDir, big.replace(/[^A-Za-z0-9_-]/g, "_")));
    expect(files.filter((f) => f.startsWith(row.id))).toEqual([]);
  }, 90_000);

  it("the local store never shows a file before commit", async () => {
    const store = localExportStore(exportDir);
    const writer = await store.createWriter("x/test.csv");
    writer.stream.write("partial");
    expect(await store.size("x/test.csv")).toBeNull();
    writer.stream.end();
    await writer.commit();
    expect(await store.size("x/test.csv")).toBe(7);
  });
});
