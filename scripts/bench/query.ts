import { readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { createDb } from "@logbook/db/client";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { compactRollups } from "@logbook/db/queries/event-rollups";
import { eventStatistics } from "@logbook/db/queries/event-stats";
import { filterOptions } from "@logbook/db/queries/event-options";
import { listEventsFiltered } from "@logbook/db/queries/list-events-filtered";
import { setTenantPlan } from "@logbook/db/queries/tenant-settings";
import type { Random } from "@logbook/db/seed/random";
import { startTestServices } from "@logbook/db/testing";
import { type EventFilterInput, eventFilterSchema } from "@logbook/shared/filters";
import { startApiProcess } from "./_api-process";
import { copySeedEvents, seededUuid7 } from "./_copy-seed";
import { arg, argText, percentile } from "./_services";

const BIG = "tenant_big";
const DAY = 86_400_000;
const COLS = [
  "tenant_id",
  "id",
  "occurred_at",
  "kind",
  "type",
  "status",
  "actor_id",
  "actor_email",
  "source",
  "session_id",
  "model",
  "agent",
  "platform",
  "input_tokens",
  "output_tokens",
  "is_error",
  "metadata",
];

const types = {
  user_activity: ["user.login", "user.logout", "test.updated", "incident.resolved"],
  system: ["sync.dbt.started", "sync.dbt.finished", "sync.dwh.finished", "alert.delivered"],
  interaction: ["ai.interaction"],
} as const;
const models = [
  "openai/gpt-5-mini",
  "anthropic/claude-sonnet-4.5",
  "google/gemini-3-flash-preview",
  "meta/llama-4-70b",
  "mistral/large-3",
  "openai/gpt-5",
];

/** One event's values in COLS order: one tenant holds 40 %, 30 days back, 2,000 users. */
function benchRow(r: Random, now: number, tenants: number): unknown[] {
  const tenant = r.chance(0.4) ? BIG : `tenant_${r.int(1, tenants - 1)}`;
  const at = now - Math.floor(r.next() * 30 * DAY);
  const kind = r.weighted([
    ["interaction", 5],
    ["user_activity", 3],
    ["system", 2],
  ] as const);
  const type = r.pick(types[kind]);
  const user = r.int(1, 2000);
  const isInteraction = kind === "interaction";
  const error = r.chance(0.05);
  const metadata = `{"customer": {"plan": "${r.pick(["pro", "team", "enterprise"])}"}, "latency_ms": ${r.int(50, 5000)}, "region": "${r.pick(["eu", "us", "ap"])}"}`;
  const source = isInteraction ? r.pick(["chat", "agent", "api"]) : kind === "system" ? r.pick(["dbt", "dwh", "bi"]) : "web";
  const id = seededUuid7(at, r);
  return [
    tenant,
    id,
    new Date(at).toISOString(),
    kind,
    type,
    error ? "failure" : "success",
    `u_${user}`,
    `user${user}@example.com`,
    source,
    isInteraction ? `chat_${r.int(1, 200_000)}` : null,
    isInteraction ? r.pick(models) : null,
    isInteraction ? "assistant" : null,
    isInteraction ? "web" : null,
    isInteraction ? r.int(100, 4000) : null,
    isInteraction ? r.int(50, 2000) : null,
    isInteraction ? error : null,
    metadata,
  ];
}

async function seed(databaseUrl: string, total: number, tenants: number) {
  const now = Date.now();
  const seconds = await copySeedEvents(databaseUrl, {
    columns: COLS,
    total,
    seed: 1000,
    every: 1_000_000,
    row: (r) => benchRow(r, now, tenants),
  });
  console.log(`seeded ${total.toLocaleString()} events over 30 days across ${tenants} tenants in ${seconds} s`);
}

async function timeIt(runs: number, fn: () => Promise<unknown>) {
  await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { p50_ms: Number(percentile(times, 50).toFixed(1)), p95_ms: Number(percentile(times, 95).toFixed(1)) };
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export async function run() {
  const total = arg("events", 10_000_000);
  const tenants = arg("tenants", 200);
  const runs = arg("runs", 50);
  const jsonlRows = arg("jsonl-rows", 1_000_000);
  const reuse = argText("reuse");
  const services = reuse ? null : await startTestServices("bench_query", process.env);
  const databaseUrl = reuse ?? services!.databaseUrl;
  console.log(`database: ${databaseUrl}`);
  if (!reuse) await seed(databaseUrl, total, tenants);
  const { db, close } = createDb(databaseUrl, { max: 4 });
  // What the worker's rollup scheduler does every few seconds: fold the deltas the inserts left.
  const compactStarted = performance.now();
  const folded = await compactRollups(db);
  console.log(
    `rollups compacted: ${folded.toLocaleString()} delta rows in ${Math.round((performance.now() - compactStarted) / 1000)} s`,
  );
  const secret = "bench-cursor-secret-0123456789";
  const f = (input: EventFilterInput) => eventFilterSchema.parse(input);
  const list = (filter: EventFilterInput) =>
    listEventsFiltered(db, { tenantId: BIG, filter: f(filter), secret, canReadContent: true });
  const figures: Record<string, unknown> = {};
  try {
    figures.first_page = await timeIt(runs, () => list({}));
    // A cursor 100,000 rows deep (30 days), reached by walking pages of 500.
    let cursor: string | null = null;
    for (let depth = 0; depth < 100_000; depth += 500)
      cursor = (await list({ period: "30d", limit: 500, cursor: cursor ?? undefined })).nextCursor;
    const deepCursor = cursor!;
    figures.deep_page = await timeIt(runs, () => list({ period: "30d", cursor: deepCursor }));
    figures.type_time = await timeIt(runs, () => list({ period: "7d", type: ["sync.*"] }));
    figures.metadata = await timeIt(runs, () =>
      list({ period: "7d", metadata: [{ path: ["customer", "plan"], op: "eq", value: "enterprise" }] }),
    );
    figures.actor = await timeIt(runs, () => list({ period: "7d", actor: "user1234@" }));
    figures.options_model = await timeIt(runs, () =>
      filterOptions(db, { tenantId: BIG, filter: f({ period: "30d" }), column: "model", canReadContent: true }),
    );
    figures.stats_30d = await timeIt(runs, () =>
      eventStatistics(db, { tenantId: BIG, filter: f({ period: "30d" }), canReadContent: true }),
    );
    for (const [name, value] of Object.entries(figures))
      console.log(
        `${name.padEnd(14)} p50 ${(value as { p50_ms: number }).p50_ms} ms, p95 ${(value as { p95_ms: number }).p95_ms} ms`,
      );

    // JSONL through the real API process: rows/s and the API's peak RSS.
    await setTenantPlan(db, { tenantId: BIG, plan: "enterprise" });
    const { key } = await createApiKey(db, { tenantId: BIG, name: "bench" });
    const api = await startApiProcess({
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      LOGBOOK_QUEUE_PREFIX: `bench-${Date.now()}`,
    });
    try {
      const rssBefore = peakRssMb(api.child.pid!);
      const t = performance.now();
      // A plain HTTP client counting newlines, as curl | wc -l would: fetch's web streams cost the
      // bench client half a core, taken from the 2 cores the API and Postgres share with it.
      const rows = await new Promise<number>((resolve, reject) => {
        const req = httpGet(
          `${api.url}/v1/events?period=30d&format=jsonl`,
          { headers: { authorization: `Bearer ${key}` } },
          (res) => {
            let n = 0;
            res.on("data", (chunk: Buffer) => {
              for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) n++;
              if (n >= jsonlRows) {
                req.destroy();
                resolve(n);
              }
            });
            res.on("end", () => resolve(n));
            res.on("error", reject);
          },
        );
        req.on("error", (error) => (error.message.includes("aborted") ? undefined : reject(error)));
      });
      const seconds = (performance.now() - t) / 1000;
      figures.jsonl_rows_per_s = Math.round(rows / seconds);
      figures.jsonl_peak_rss_mb = Math.round(peakRssMb(api.child.pid!));
      console.log(
        `jsonl: ${rows.toLocaleString()} rows in ${seconds.toFixed(1)} s = ${figures.jsonl_rows_per_s} rows/s; API peak RSS ${figures.jsonl_peak_rss_mb} MB (${Math.round(rssBefore)} MB before)`,
      );
    } finally {
      await api.stop();
    }
    return figures;
  } finally {
    await close();
    if (services && !process.argv.includes("--keep")) await services.stop();
  }
}
