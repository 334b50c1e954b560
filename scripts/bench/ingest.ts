// `pnpm bench ingest`: realistic events (mixed kinds, ~600 B metadata, 10% interactions with content)
// through the real API process — 4 concurrent clients, batches of 500 — and, in the same run, the same
// rows COPYed straight into the same tables as the physical limit. Also p50/p99 of a 100-event request
// sent while the load runs. Options: --seconds N (load duration per run, default 10), --runs N (default 3).
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { setTenantPlan } from "@logbook/db/queries/tenant-settings";
import { eventInputSchema } from "@logbook/shared/events";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { toRow } from "../../apps/api/src/ingest/to-row";
import { arg, benchDatabase, median, percentile } from "./_services";
import { startApiProcess } from "./_api-process";
import { benchEvents } from "./_events";

let reported = false;

/** Server-Timing metrics of a response: name → ms. */
function serverTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const name = part.split(";")[0]?.trim();
    const dur = /dur=([0-9.]+)/.exec(part);
    if (name && dur) out[name] = Number(dur[1]);
  }
  return out;
}

async function post(
  url: string,
  key: string,
  body: string,
  attempt = 0,
): Promise<{ status: number; accepted: number; timing: Record<string, number> }> {
  const res = await fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  }).catch((error: Error) => {
    // A kept-alive socket the server closed while idle: retry once on a fresh one (ids make it safe).
    if (attempt === 0) return null;
    throw error;
  });
  if (!res) return post(url, key, body, 1);
  const json = (await res.json()) as { accepted?: number };
  if (res.status !== 200 && !reported) {
    reported = true;
    console.log(`first failed request: HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  }
  return { status: res.status, accepted: json.accepted ?? 0, timing: serverTiming(res.headers.get("server-timing")) };
}

async function apiRun(url: string, key: string, seconds: number, seed: number) {
  // Bodies are made before the clock starts so the clients spend no CPU building them (up to 30k events/s).
  const perClient = Math.ceil((seconds * 30_000) / 500 / 4);
  const batches = Array.from({ length: 4 }, (_, c) =>
    Array.from({ length: perClient }, (_, b) => JSON.stringify({ events: benchEvents(500, seed * 100_000 + c * 10_000 + b) })),
  );
  const probes = Array.from({ length: Math.ceil((seconds * 1000) / 50) }, (_, i) =>
    JSON.stringify({ events: benchEvents(100, seed * 7_000_000 + i) }),
  );
  const deadline = performance.now() + seconds * 1000;
  let accepted = 0;
  let failures = 0;
  const started = performance.now();
  const clients = batches.map(async (mine, c) => {
    for (let i = 0; performance.now() < deadline; i++) {
      // Fresh client ids each round so nothing is a duplicate.
      const body =
        i < mine.length ? mine[i]! : JSON.stringify({ events: benchEvents(500, seed * 100_000 + c * 10_000 + i + 5000) });
      const r = await post(url, key, body);
      if (r.status === 200) accepted += r.accepted;
      else failures++;
    }
  });
  // One more client, on its own thread, measures the latency of a 100-event request under that load.
  const probe = new Promise<{ ms: number; status: number; timing: string | null }[]>((resolve, reject) => {
    const thread = new Worker(new URL("./_probe-thread.cjs", import.meta.url), {
      workerData: { url, key, bodies: probes, until: Date.now() + seconds * 1000 },
    });
    thread.once("message", (samples) => {
      resolve(samples);
      void thread.terminate();
    });
    thread.once("error", reject);
    thread.once("exit", (code) => reject(new Error(`the probe thread exited (code ${code}) without its samples`)));
  });
  const [samples] = await Promise.all([probe, ...clients]);
  const latencies = samples.map((s) => s.ms);
  const phases = samples.map((s) => ({ ...serverTiming(s.timing), client: s.ms }));
  failures += samples.filter((s) => s.status !== 200).length;
  const elapsed = (performance.now() - started) / 1000;
  return { eventsPerS: accepted / elapsed, failures, latencies, phases };
}

const csv = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return `"${s.replace(/"/g, '""')}"`;
};
const COLS = [
  "tenant_id",
  "id",
  "occurred_at",
  "kind",
  "type",
  "client_id",
  "status",
  "actor_id",
  "actor_email",
  "ip",
  "target_type",
  "target_name",
  "source",
  "duration_ms",
  "session_id",
  "model",
  "agent",
  "platform",
  "protocol",
  "input_tokens",
  "output_tokens",
  "tool_calls",
  "has_content",
  "metadata",
  "intent",
  "response_type",
  "labels",
] as const;

async function copyRun(databaseUrl: string, count: number, seed: number) {
  const events = benchEvents(count, seed).map((e) => toRow(eventInputSchema.parse(e), null));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const tenant = `copy_${seed}`;
  const started = performance.now();
  const stream = client.query(copyStreams.from(`COPY events (${COLS.join(", ")}) FROM STDIN WITH (FORMAT csv)`));
  for (const r of events) {
    const row = { ...r, tenant_id: tenant, has_content: r.question != null || r.answer != null } as Record<string, unknown>;
    if (!stream.write(`${COLS.map((c) => csv(row[c])).join(",")}\n`)) await once(stream, "drain");
  }
  stream.end();
  await once(stream, "finish");
  const contents = client.query(
    copyStreams.from("COPY event_contents (tenant_id, event_id, occurred_at, question, answer) FROM STDIN WITH (FORMAT csv)"),
  );
  for (const r of events) {
    if (r.question == null && r.answer == null) continue;
    if (!contents.write(`${[tenant, r.id, r.occurred_at, r.question, r.answer].map(csv).join(",")}\n`))
      await once(contents, "drain");
  }
  contents.end();
  await once(contents, "finish");
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return count / seconds;
}

export async function run() {
  const seconds = arg("seconds", 10);
  const runs = arg("runs", 3);
  const db = await benchDatabase("ingest");
  const databaseUrl = db.pool.options.connectionString as string;
  const api = await startApiProcess({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    LOGBOOK_QUEUE_PREFIX: `bench-${Date.now()}`,
  });
  try {
    const tenantId = "bench_ingest";
    await setTenantPlan(db.db, { tenantId, plan: "enterprise" });
    const { key } = await createApiKey(db.db, { tenantId, name: "bench" });
    // Warm-up: JIT, connection pools, partitions.
    await apiRun(api.url, key, 2, 999);
    const api_rates: number[] = [];
    const copy_rates: number[] = [];
    const ratios: number[] = [];
    const latencies: number[] = [];
    const phases: Record<string, number>[] = [];
    for (let i = 0; i < runs; i++) {
      const a = await apiRun(api.url, key, seconds, i + 1);
      const c = await copyRun(databaseUrl, Math.max(50_000, Math.round(a.eventsPerS * seconds)), 500 + i);
      api_rates.push(a.eventsPerS);
      copy_rates.push(c);
      ratios.push(a.eventsPerS / c);
      latencies.push(...a.latencies);
      phases.push(...a.phases);
      console.log(
        `run ${i + 1}: API ${Math.round(a.eventsPerS)} events/s (${a.failures} failed requests), COPY ${Math.round(c)} events/s, ratio ${(a.eventsPerS / c).toFixed(2)}, 100-event request p50 ${percentile(a.latencies, 50).toFixed(1)} ms p99 ${percentile(a.latencies, 99).toFixed(1)} ms`,
      );
    }
    // Where a 100-event request's time goes on the server (its Server-Timing), p50 / p99 per phase.
    const names = [...new Set(phases.flatMap((p) => Object.keys(p)))].filter((n) => n !== "client");
    console.log(
      `100-event request phases (server, ms, p50/p99): ${names
        .map((n) => {
          const v = phases.map((p) => p[n] ?? 0);
          return `${n} ${percentile(v, 50).toFixed(1)}/${percentile(v, 99).toFixed(1)}`;
        })
        .join(", ")}`,
    );
    // The tail itself: the slowest 1 % of 100-event requests, as the client saw them and by server phase.
    const slowest = [...phases]
      .sort((a, b) => (b.client ?? 0) - (a.client ?? 0))
      .slice(0, Math.max(3, Math.ceil(phases.length / 100)));
    console.log(
      `slowest 100-event requests (client ms: server phases): ${slowest
        .map((p) => `${p.client!.toFixed(0)}: ${names.map((n) => `${n} ${(p[n] ?? 0).toFixed(0)}`).join(" ")}`)
        .join(" | ")}`,
    );
    const figures = {
      api_events_per_s: Math.round(median(api_rates)),
      copy_events_per_s: Math.round(median(copy_rates)),
      ratio: Number(median(ratios).toFixed(3)),
      p50_ms_100: Number(percentile(latencies, 50).toFixed(1)),
      p99_ms_100: Number(percentile(latencies, 99).toFixed(1)),
    };
    console.log(
      `medians of ${runs} runs: API ${figures.api_events_per_s} events/s, COPY ${figures.copy_events_per_s} events/s, ratio ${figures.ratio}; 100-event request p50 ${figures.p50_ms_100} ms, p99 ${figures.p99_ms_100} ms (all runs pooled)`,
    );
    return figures;
  } finally {
    await api.stop();
    await db.stopAll();
  }
}
