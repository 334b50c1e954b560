// `pnpm bench retention`: events over 60 days across tenants on three plans (free, team, business), one
// retention run of the worker's job (whole partitions dropped where every tenant's retention has passed,
// bounded batch deletes elsewhere), its timings, the event store's size before and after, and ingest
// through the real API process while the run goes compared with ingest alone.
// Options: --events N (default 2,000,000; the issue's figure is --events 10000000, ≈ 10 min to seed on
// 2 cores), --tenants N (default 60), --seconds N (each ingest-alone window, default 45; 0: no ingest at all,
// the run alone — its time, rows/s and WAL without competition, and no ratio), --template NAME (seed
// once into a database of that name on the same server and clone it on later runs: repeat measurements
// without re-seeding; the clone is migrated, its events are as old as when they were seeded),
// --rewrite-share X (rewrite a day when at least this share of its events goes; default the worker's,
// above 1 never: batch deletes only), --idle N (no run: N seconds of ingest in its place, to check the
// comparison itself, which should come out near 1).
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@logbook/db/client";
import { migrate } from "@logbook/db/migrate";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { compactRollups } from "@logbook/db/queries/event-rollups";
import { assignTenantPlan, updatePlanRetention } from "@logbook/db/queries/retention-settings";
import { createRandom } from "@logbook/db/seed/random";
import { startTestServices } from "@logbook/db/testing";
import { localExportStore } from "@logbook/shared/node/export-store";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import {
  DEFAULT_REWRITE_SHARE,
  enforceRetentionProcessor,
  type RetentionRunResult,
} from "../../apps/worker/src/processors/retention/enforce-retention";
import type { JobContext } from "../../apps/worker/src/queue-definition";
import { startApiProcess } from "./_api-process";
import { benchEvents } from "./_events";
import { arg, argText, median } from "./_services";
import { seededUuid7 } from "./_copy-seed";

const DAY = 86_400_000;
const PLANS = ["free", "team", "business"] as const;
// Retention set by the operator for this run, so that 60 days hold every case: days past every
// plan (dropped whole), days some plans still keep (batched deletes), days every plan keeps.
const RETENTION = {
  free: { user_activity: 7, system: 7, interaction: 7, interaction_content: 3 },
  team: { user_activity: 21, system: 14, interaction: 21, interaction_content: 7 },
  business: { user_activity: 45, system: 30, interaction: 45, interaction_content: 14 },
};
const COLS =
  "tenant_id, id, occurred_at, kind, type, status, actor_id, actor_email, source, model, input_tokens, output_tokens, has_content, metadata";

async function seed(databaseUrl: string, total: number, tenants: number, now: number) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(
    "SELECT logbook_ensure_partitions(((now() AT TIME ZONE 'UTC')::date - 61), ((now() AT TIME ZONE 'UTC')::date + 1))",
  );
  await admin.end();
  const started = performance.now();
  const streams = 2;
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const r = createRandom(4000 + s);
      const client = new pg.Client({ connectionString: databaseUrl });
      const contentClient = new pg.Client({ connectionString: databaseUrl });
      await Promise.all([client.connect(), contentClient.connect()]);
      const events = client.query(copyStreams.from(`COPY events (${COLS}) FROM STDIN`));
      const copy = contentClient.query(
        copyStreams.from("COPY event_contents (tenant_id, event_id, occurred_at, question, answer) FROM STDIN"),
      );
      let chunk = "";
      let contents = "";
      for (let i = s; i < total; i += streams) {
        const tenant = `tenant_${r.int(0, tenants - 1)}`;
        const at = now - Math.floor(r.next() * 60 * DAY);
        const kind = r.weighted([
          ["interaction", 5],
          ["user_activity", 3],
          ["system", 2],
        ] as const);
        const id = seededUuid7(at, r);
        const iso = new Date(at).toISOString();
        const user = r.int(1, 2000);
        const interaction = kind === "interaction";
        chunk += `${tenant}\t${id}\t${iso}\t${kind}\t${interaction ? "ai.interaction" : kind === "system" ? "sync.dbt.finished" : "user.login"}\tsuccess\tu_${user}\tuser${user}@example.com\tbench\t${interaction ? "openai/gpt-5-mini" : "\\N"}\t${interaction ? r.int(100, 4000) : "\\N"}\t${interaction ? r.int(50, 2000) : "\\N"}\t${interaction}\t{"region": "${r.pick(["eu", "us"])}", "latency_ms": ${r.int(50, 5000)}}\n`;
        if (interaction)
          contents += `${tenant}\t${id}\t${iso}\tWhat is a trust flag for table ${r.int(1, 9999)}?\tA trust flag marks a table whose freshness and tests pass.\n`;
        if (chunk.length > 1 << 20) {
          if (!events.write(chunk)) await once(events, "drain");
          chunk = "";
        }
        if (contents.length > 1 << 20) {
          if (!copy.write(contents)) await once(copy, "drain");
          contents = "";
        }
        if (s === 0 && i % 1_000_000 === 0 && i > 0)
          console.log(`  seeded ~${i.toLocaleString()} events (${Math.round((performance.now() - started) / 1000)} s)`);
      }
      events.end(chunk);
      copy.end(contents);
      await Promise.all([once(events, "finish"), once(copy, "finish")]);
      await Promise.all([client.end(), contentClient.end()]);
    }),
  );
  console.log(
    `seeded ${total.toLocaleString()} events over 60 days across ${tenants} tenants in ${Math.round((performance.now() - started) / 1000)} s`,
  );
}

/**
 * Events and content on disk (tables and indexes) in the seeded days older than two days: what
 * retention works on, leaving out the recent partitions the ingest clients write to during the run.
 */
async function storeMb(pool: pg.Pool, now: number): Promise<number> {
  const { rows } = await pool.query<{ bytes: string }>(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c
     WHERE c.relkind = 'r' AND c.relname ~ '^(events|event_contents)_p[0-9]{8}$'
       AND to_date(substring(c.relname from '[0-9]{8}$'), 'YYYYMMDD') < $1::date - 2`,
    [new Date(now).toISOString().slice(0, 10)],
  );
  return Math.round(Number(rows[0]!.bytes) / 1024 / 1024);
}

/** 4 clients posting batches of 500 until `until()` says stop; returns events/s. `timeline` gets [ms since start, events] per answer. */
async function ingest(
  url: string,
  key: string,
  until: () => boolean,
  seed: number,
  timeline?: [number, number][],
): Promise<number> {
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async (_, c) => {
      for (let i = 0; !until(); i++) {
        const body = JSON.stringify({ events: benchEvents(500, seed * 1_000_000 + c * 100_000 + i) });
        const res = await fetch(`${url}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body,
        });
        const json = (await res.json()) as { accepted?: number };
        if (res.status === 200) accepted += json.accepted ?? 0;
        timeline?.push([performance.now() - started, res.status === 200 ? (json.accepted ?? 0) : 0]);
      }
    }),
  );
  return accepted / ((performance.now() - started) / 1000);
}

export async function run() {
  const total = arg("events", 2_000_000);
  const tenants = arg("tenants", 60);
  const seconds = arg("seconds", 45);
  const template = argText("template");
  if (template !== undefined && !/^[a-z_][a-z0-9_]*$/.test(template)) throw new Error("--template wants a database name");
  const services = await startTestServices("bench_retention", process.env);
  const now = Date.now();
  const database = new URL(services.databaseUrl).pathname.slice(1);
  const server = new pg.Client({
    connectionString: Object.assign(new URL(services.databaseUrl), { pathname: "/postgres" }).href,
  });
  await server.connect();
  const seeded = template
    ? (await server.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount === 1
    : false;
  if (seeded) {
    const t0 = performance.now();
    await server.query(`DROP DATABASE "${database}"`);
    await server.query(`CREATE DATABASE "${database}" TEMPLATE "${template}" STRATEGY FILE_COPY`);
    const migrated = createDb(services.databaseUrl, { max: 1 });
    await migrate(migrated.pool);
    await migrated.close();
    console.log(`cloned ${template} in ${Math.round((performance.now() - t0) / 1000)} s (no seeding)`);
  } else {
    await seed(services.databaseUrl, total, tenants, now);
    if (template) {
      // Saved folded and vacuumed, so each clone starts where a run on a fresh seed would.
      const t0 = performance.now();
      const seededDb = createDb(services.databaseUrl, { max: 1 });
      await compactRollups(seededDb.db);
      await seededDb.pool.query("VACUUM ANALYZE");
      await seededDb.close();
      console.log(`rollups compacted and the database vacuumed in ${Math.round((performance.now() - t0) / 1000)} s`);
      await server.query(`CREATE DATABASE "${template}" TEMPLATE "${database}" STRATEGY FILE_COPY`);
      console.log(`saved the seeded database as ${template} (drop it when done)`);
    }
  }
  await server.end();
  const { db, pool, close } = createDb(services.databaseUrl, { max: 8, application: "logbook-bench-retention" });
  const api = await startApiProcess({
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    LOGBOOK_QUEUE_PREFIX: `bench-${Date.now()}`,
  });
  try {
    for (const plan of PLANS) await updatePlanRetention(db, { planId: plan, retention: RETENTION[plan], updatedBy: "bench" });
    for (let t = 0; t < tenants; t++)
      await assignTenantPlan(db, { tenantId: `tenant_${t}`, plan: PLANS[t % 3]!, updatedBy: "bench" });
    await assignTenantPlan(db, { tenantId: "bench_ingest", plan: "enterprise", updatedBy: "bench" });
    const { key } = await createApiKey(db, { tenantId: "bench_ingest", name: "bench" });
    const t0 = performance.now();
    await compactRollups(db);
    await pool.query("ANALYZE events");
    await pool.query("ANALYZE event_contents");
    console.log(`rollups compacted and tables analysed in ${Math.round((performance.now() - t0) / 1000)} s`);
    console.log(`plans: ${PLANS.map((p) => `${p} ${JSON.stringify(RETENTION[p])}`).join("; ")}`);

    // Ingest alone is measured in two windows, just before the run and just after it, and compared as
    // their mean: ingest slows down as the day's partition and its indexes grow (by ~10 % over 80 s
    // here, with no retention at all), so a window before the run alone would count that against it.
    // With --seconds 0 there is no ingest at all.
    const withIngest = seconds > 0;
    const ingestFor = async (ms: number, seed: number) => {
      const end = performance.now() + ms;
      return withIngest ? ingest(api.url, key, () => performance.now() > end, seed) : 0;
    };
    await ingestFor(2000, 1); // warm-up
    const aloneBefore = await ingestFor(seconds * 1000, 2);
    if (withIngest) console.log(`ingest alone, ${seconds} s before the run: ${Math.round(aloneBefore)} events/s`);

    const before = await storeMb(pool, now);
    const context: JobContext = {
      db,
      log: () => {},
      exportStore: localExportStore(await mkdtemp(join(tmpdir(), "logbook-bench-exports-"))),
      enqueue: async () => {},
      jobState: async () => "unknown",
      job: {} as JobContext["job"],
    };
    let done = false;
    const timeline: [number, number][] = [];
    const during = withIngest ? ingest(api.url, key, () => done, 3, timeline) : Promise.resolve(0);
    const walBytes = async () => Number((await pool.query<{ b: string }>("SELECT wal_bytes AS b FROM pg_stat_wal")).rows[0]!.b);
    const walBefore = await walBytes();
    const runStarted = performance.now();
    const rewriteShare = arg("rewrite-share", DEFAULT_REWRITE_SHARE);
    // --idle N: no run, N seconds of waiting in its place — checks the comparison itself (≈ 1).
    const idle = arg("idle", 0);
    const result = await (idle > 0
      ? new Promise((r) => setTimeout(r, idle * 1000)).then(
          (): RetentionRunResult => ({
            tenants: {},
            partitionsDropped: [],
            partitionDropSeconds: [],
            batchedRows: 0,
            batchedSeconds: 0,
            rewrites: [],
            exportsRemoved: 0,
          }),
        )
      : enforceRetentionProcessor({}, context, new Date(now), { rewriteShare })
    ).finally(() => {
      done = true;
    });
    const runSeconds = (performance.now() - runStarted) / 1000;
    const walMb = Math.round(((await walBytes()) - walBefore) / 1e6);
    const duringRate = await during;
    const aloneAfter = await ingestFor(seconds * 1000, 4);
    const alone = (aloneBefore + aloneAfter) / 2;
    const after = await storeMb(pool, now);

    const dropped = result.partitionsDropped.filter((t) => t.startsWith("events_")).length;
    const figures = {
      partition_drop_s_max: Number(Math.max(0, ...result.partitionDropSeconds).toFixed(3)),
      batched_delete_rows_per_s: Math.round(result.batchedRows / Math.max(result.batchedSeconds, 0.001)),
      ingest_during_ratio: withIngest ? Number((duringRate / alone).toFixed(3)) : null,
      table_mb_before: before,
      table_mb_after: after,
    };
    console.log(
      `retention run: ${runSeconds.toFixed(1)} s; ${dropped} days dropped whole (${result.partitionsDropped.length} tables), slowest ${figures.partition_drop_s_max} s, median ${median(result.partitionDropSeconds).toFixed(3)} s`,
    );
    const rewritten = result.rewrites.reduce((n, r) => n + r.removed, 0);
    console.log(
      `rows removed from days not dropped whole: ${result.batchedRows.toLocaleString()} (events and content) in ${result.batchedSeconds.toFixed(1)} s = ${figures.batched_delete_rows_per_s.toLocaleString()} rows/s`,
    );
    console.log(
      `  of which ${rewritten.toLocaleString()} by rewriting ${result.rewrites.length} mostly expired days (${result.rewrites
        .reduce((n, r) => n + r.kept, 0)
        .toLocaleString()} rows kept, ${result.rewrites.reduce((n, r) => n + r.seconds, 0).toFixed(1)} s; slowest day ${Math.max(
        0,
        ...result.rewrites.map((r) => r.seconds),
      ).toFixed(2)} s) and ${(result.batchedRows - rewritten).toLocaleString()} in batches`,
    );
    console.log(`  (days rewritten when at least ${rewriteShare} of their events go)`);
    console.log(`WAL written during the run: ${walMb.toLocaleString()} MB${withIngest ? " (retention and ingest)" : ""}`);
    if (withIngest) {
      console.log(
        `ingest alone, ${seconds} s after the run: ${Math.round(aloneAfter)} events/s; mean of before and after ${Math.round(alone)}`,
      );
      console.log(
        `ingest during the run: ${Math.round(duringRate)} events/s = ${figures.ingest_during_ratio} × alone (${(duringRate / aloneBefore).toFixed(3)} × the window before alone)`,
      );
      const windows: number[] = [];
      for (const [ms, n] of timeline) windows[Math.floor(ms / 10_000)] = (windows[Math.floor(ms / 10_000)] ?? 0) + n;
      const lastMs = timeline.at(-1)?.[0] ?? 0;
      const width = (w: number) => Math.min(10, (lastMs - w * 10_000) / 1000); // the last window is shorter
      console.log(
        `  per 10 s: ${Array.from(windows, (n, w) => Math.round((n ?? 0) / Math.max(width(w), 0.001))).join(", ")} events/s`,
      );
    }
    console.log(
      `events + content on disk (days older than 2 days): ${before} MB before, ${after} MB after (space of batch-deleted rows is reused after vacuum, not returned to the OS)`,
    );
    return figures;
  } finally {
    await api.stop();
    await close();
    await services.stop();
  }
}
