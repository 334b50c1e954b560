import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type DbHandle } from "@logbook/db/client";
import { createExportSchedule } from "@logbook/db/queries/export-schedules";
import { createExport, getExport, listExports } from "@logbook/db/queries/exports";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { exportScheduleCreateSchema } from "@logbook/shared/export-schedule";
import { exportRequestSchema } from "@logbook/shared/exports";
import { EXPORT_EXPIRY_QUEUE, EXPORT_SCHEDULES_QUEUE, EXPORTS_QUEUE, runExportJobOptions } from "@logbook/shared/jobs/exports";
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from "@logbook/shared/node/webhook-signature";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerRuntime, type WorkerRuntime } from "../src/runtime";
import { collectingLog, prefixFor, services, waitFor } from "./helpers";

let database: DbHandle;
let runtime: WorkerRuntime;
let exportDir: string;
let server: Server;
let port = 0;
const received: { body: string; signature: string; status: number }[] = [];
const tenant = `t_ws_${Date.now().toString(36)}`;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => resolve(body));
  });

beforeAll(async () => {
  const { databaseUrl, redisUrl } = services();
  database = createDb(databaseUrl, { max: 4 });
  exportDir = await mkdtemp(join(tmpdir(), "logbook-exports-"));
  await ensurePartitions(database.db, new Date(Date.now() - 5 * 86_400_000), new Date(Date.now() + 86_400_000));
  // The first delivery fails with a 500, the retry succeeds.
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    const status = received.length === 0 ? 500 : 204;
    received.push({ body, signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]), status });
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  runtime = await startWorkerRuntime({
    databaseUrl,
    redisUrl,
    healthPort: 0,
    concurrency: 2,
    log: collectingLog(),
    prefix: prefixFor("export-schedules"),
    exportDir,
  });
});

afterAll(async () => {
  await runtime?.stop();
  await database?.close();
  server?.close();
  await rm(exportDir, { recursive: true, force: true });
});

describe("export schedules in the worker", () => {
  it("a tick after downtime exports every missed period, then the webhook is delivered signed, retried after a failure", async () => {
    const schedule = await createExportSchedule(database.db, {
      tenantId: tenant,
      schedule: exportScheduleCreateSchema.parse({
        name: "nightly",
        frequency: "daily",
        timeOfDay: "00:00",
        timeZone: "America/New_York",
        webhookUrl: `http://127.0.0.1:${port}/hook`,
      }),
      // Created three days ago; the worker has not run since.
      now: new Date(Date.now() - 3 * 86_400_000),
    });
    await runtime.enqueue(EXPORT_SCHEDULES_QUEUE, {});
    const exports = await waitFor(
      async () => {
        const list = await listExports(database.db, { tenantId: tenant, scheduleId: schedule.id });
        return list.length >= 3 && list.every((e) => e.status === "ready") ? list : undefined;
      },
      30_000,
      "scheduled exports",
    );
    const periods = exports.map((e) => [e.periodFrom.getTime(), e.periodTo.getTime()] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < periods.length; i++) expect(periods[i]?.[0]).toBe(periods[i - 1]?.[1]);
    expect(periods[0]?.[0]).toBe(schedule.lastPeriodEnd.getTime());

    // One webhook per export; the first attempt got a 500 and was retried with backoff.
    const deliveries = await waitFor(
      () => (received.filter((r) => r.status === 204).length >= exports.length ? received : undefined),
      40_000,
      "webhook deliveries",
    );
    for (const d of deliveries) {
      expect(verifyWebhook(schedule.webhookSecret, d.body, d.signature)).toBe(true);
      expect(verifyWebhook("whsec_wrong", d.body, d.signature)).toBe(false);
      expect(verifyWebhook(schedule.webhookSecret, `${d.body} `, d.signature)).toBe(false);
      expect(JSON.parse(d.body).type).toBe("export.ready");
    }
    const { rows } = await database.pool.query<{ type: string; status: string }>(
      "SELECT type, status FROM events WHERE tenant_id = $1 AND kind = 'system' AND type LIKE 'export.webhook.%' ORDER BY received_at",
      [tenant],
    );
    expect(rows[0]).toEqual({ type: "export.webhook.failed", status: "failure" });
    expect(rows.filter((r) => r.type === "export.webhook.delivered")).toHaveLength(exports.length);

    // A second tick creates nothing new.
    await runtime.enqueue(EXPORT_SCHEDULES_QUEUE, {});
    await new Promise((r) => setTimeout(r, 1000));
    expect(await listExports(database.db, { tenantId: tenant, scheduleId: schedule.id })).toHaveLength(exports.length);
  }, 90_000);

  it("the tick queues exports whose hand-off was lost and fails those whose job BullMQ gave up", async () => {
    const request = exportRequestSchema.parse({ filter: { period: "24h" } });
    const lost = await createExport(database.db, { tenantId: tenant, request, contentAccess: "full", createdVia: "api" });
    const given = await createExport(database.db, { tenantId: tenant, request, contentAccess: "full", createdVia: "api" });
    await database.pool.query(
      "UPDATE exports SET created_at = now() - interval '5 minutes', status = CASE WHEN id = $2 THEN 'running' ELSE status END WHERE tenant_id = $1 AND id IN ($2, $3)",
      [tenant, given.id, lost.id],
    );
    // A job for `given` that fails for good (an invalid payload is not retried).
    await runtime.queues.exports.add(EXPORTS_QUEUE, { tenantId: tenant }, { ...runExportJobOptions(given.id) });
    await waitFor(async () => ((await runtime.queues.exports.getJobState(`export-${given.id}`)) === "failed" ? true : undefined));
    await runtime.enqueue(EXPORT_SCHEDULES_QUEUE, {});
    const ready = await waitFor(
      async () => {
        const e = await getExport(database.db, { tenantId: tenant, id: lost.id });
        return e?.status === "ready" ? e : undefined;
      },
      20_000,
      "the lost export to run",
    );
    expect(ready.status).toBe("ready");
    const failed = await getExport(database.db, { tenantId: tenant, id: given.id });
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toContain("start the export again");
  });

  it("expired files are removed by the worker; the export stays listed as expired", async () => {
    const [first] = await listExports(database.db, { tenantId: tenant, status: ["ready"] });
    expect(first).toBeDefined();
    const path = join(exportDir, first?.fileKey as string);
    expect((await stat(path)).size).toBe(first?.sizeBytes);
    await database.pool.query("UPDATE exports SET expires_at = now() - interval '1 minute' WHERE tenant_id = $1 AND id = $2", [
      tenant,
      first?.id,
    ]);
    await runtime.enqueue(EXPORT_EXPIRY_QUEUE, {});
    const expired = await waitFor(
      async () => {
        const e = await getExport(database.db, { tenantId: tenant, id: first?.id as string });
        return e?.status === "expired" ? e : undefined;
      },
      10_000,
      "expiry",
    );
    expect(expired.status).toBe("expired");
    await expect(stat(path)).rejects.toThrow();
  });
});
