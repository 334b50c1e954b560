// `pnpm bench ingest-indexes`: what each secondary index and insert trigger of the event store costs at
// ingest. A database is migrated and seeded once (--seed-events, default 200,000, so indexes are not
// empty); every run gets its own copy of it (CREATE DATABASE … TEMPLATE), with everything in place or
// without one index (dropped) or one insert trigger (disabled), so no run inherits another's pages.
// Each run stores the same --events (default 50,000; the realistic events of `pnpm bench ingest`)
// through the ingest path's own store call (prepareStore + storePrepared: one logbook_store_events
// call per 250-event chunk) by one writer: Postgres' work per event, without HTTP. A cost is what the
// run with everything spends over the run without the object, in the same round: the backend's CPU
// time (read from /proc when Postgres is local; the fairest measure on a shared machine), the wall
// time, and the WAL. Rounds (--rounds, default 3) turn the order; medians are printed.
import { readFileSync } from "node:fs";
import { createDb } from "@logbook/db/client";
import { withDatabase } from "@logbook/db/embedded";
import { type PreparedStore, storePrepared } from "@logbook/db/queries/ingest";
import { startTestServices } from "@logbook/db/testing";
import pg from "pg";
import { prepareBatch, runToEnd } from "../../apps/api/src/ingest/ingest-events";
import { arg, median } from "./_services";
import { benchEvents } from "./_events";

/**
 * A batch of fresh events, prepared by the ingest path itself (prepareBatch: validated, encoded in
 * store chunks). Every other interaction arrives without intent and response type (left to
 * classification), so the partial index of unlabelled interactions has rows to take.
 */
function preparedEvents(count: number, seed: number): PreparedStore[] {
  let interactions = 0;
  const events = benchEvents(count, seed);
  for (const e of events) {
    if (e.kind === "interaction" && interactions++ % 2 === 0) {
      delete e.intent;
      delete e.response_type;
    }
  }
  return runToEnd(prepareBatch(events, { now: Date.now(), redactor: null })).chunks.map((c) => c.store);
}

/**
 * CPU seconds (user + system) of a local Postgres backend, or null when it cannot be read: Postgres on
 * another host, or in a container (its pid then names another process here, or none).
 */
function cpuSeconds(pid: number): number | null {
  try {
    if (!readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres")) return null;
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

type Variant = { name: string; kind: "all" | "index" | "trigger"; apply: string | null };
type Result = { wall: number; cpu: number | null; wal: number };

export async function run() {
  const perRun = arg("events", 50_000);
  const rounds = arg("rounds", 3);
  const seedEvents = arg("seed-events", 200_000);
  const services = await startTestServices("bench_ingest_indexes", process.env);
  const source = new URL(services.databaseUrl).pathname.slice(1);
  const server = new pg.Client({ connectionString: withDatabase(services.databaseUrl, "postgres") });
  const copy = `${source}_copy`;
  try {
    await server.connect();
    const seeded = createDb(services.databaseUrl, { max: 1 });
    const seedStarted = performance.now();
    for (const p of preparedEvents(seedEvents, 1)) await storePrepared(seeded.db, { tenantId: "bench_seed", prepared: p });
    await seeded.pool.query("VACUUM ANALYZE");
    const q = (text: string) => seeded.pool.query(text).then((r) => r.rows as Record<string, string>[]);
    const ofStore = `i.indrelid IN ('events'::regclass, 'event_contents'::regclass, 'event_client_ids'::regclass)`;
    const indexes = await q(`SELECT i.indexrelid::regclass::text AS name FROM pg_index i
                             WHERE ${ofStore} AND NOT i.indisunique AND NOT i.indisprimary ORDER BY 1`);
    const required = await q(`SELECT i.indexrelid::regclass::text AS name FROM pg_index i
                              WHERE ${ofStore} AND (i.indisunique OR i.indisprimary) ORDER BY 1`);
    const triggers = await q(`SELECT quote_ident(tgname) AS name FROM pg_trigger WHERE tgrelid = 'events'::regclass
                              AND NOT tgisinternal AND (tgtype & 4) <> 0 ORDER BY 1`);
    await seeded.close();
    console.log(
      `seeded ${seedEvents} events in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s; kept in every run (unique: the keys and idempotency): ${required.map((r) => r.name).join(", ")}`,
    );

    const variants: Variant[] = [
      { name: "everything", kind: "all", apply: null },
      ...indexes.map((r): Variant => ({ name: r.name!, kind: "index", apply: `DROP INDEX ${r.name}` })),
      // Dropped, not disabled: a disabled trigger's transition table is still collected.
      ...triggers.map((r): Variant => ({ name: r.name!, kind: "trigger", apply: `DROP TRIGGER ${r.name} ON events` })),
      // Together: the inserted rows are collected for them only while one is left.
      {
        name: "all_insert_triggers",
        kind: "trigger",
        apply: triggers.map((r) => `DROP TRIGGER ${r.name} ON events`).join("; "),
      },
    ];
    /** One run: a copy of the seeded database, the variant applied, the round's events stored. */
    const runVariant = async (v: Variant, batches: PreparedStore[], round: number): Promise<Result> => {
      await server.query(`CREATE DATABASE "${copy}" TEMPLATE "${source}" STRATEGY FILE_COPY`);
      const handle = createDb(withDatabase(services.databaseUrl, copy), { max: 1 });
      try {
        if (v.apply) await handle.pool.query(v.apply);
        await handle.pool.query("CHECKPOINT");
        const [info] = (
          await handle.pool.query<{ pid: number; lsn: string }>(
            "SELECT pg_backend_pid() AS pid, pg_current_wal_insert_lsn()::text AS lsn",
          )
        ).rows;
        const cpuBefore = cpuSeconds(info!.pid);
        const started = performance.now();
        for (const p of batches) await storePrepared(handle.db, { tenantId: `bench_${round}`, prepared: p });
        const wall = (performance.now() - started) / 1000;
        const cpuAfter = cpuSeconds(info!.pid);
        const [wal] = (
          await handle.pool.query<{ bytes: string }>(
            `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '${info!.lsn}')::bigint AS bytes`,
          )
        ).rows;
        return { wall, cpu: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null, wal: Number(wal!.bytes) };
      } finally {
        await handle.close().catch(() => {});
        await server.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`);
      }
    };

    const perEvent = (s: number) => (s * 1e6) / perRun;
    const costs = new Map<string, { cpu: number[]; wall: number[]; wal: number[] }>();
    const base: Result[] = [];
    for (let round = 0; round < rounds; round++) {
      const batches = preparedEvents(perRun, 100 + round);
      const results = new Map<string, Result>();
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length]!;
        results.set(v.name, await runVariant(v, batches, round));
      }
      const all = results.get("everything")!;
      base.push(all);
      const line: string[] = [];
      for (const v of variants.slice(1)) {
        const without = results.get(v.name)!;
        const c = costs.get(v.name) ?? { cpu: [], wall: [], wal: [] };
        if (all.cpu !== null && without.cpu !== null) c.cpu.push(perEvent(all.cpu - without.cpu));
        c.wall.push(perEvent(all.wall - without.wall));
        c.wal.push((all.wal - without.wal) / perRun);
        costs.set(v.name, c);
        line.push(`without ${v.name} ${Math.round(perRun / without.wall)}`);
      }
      console.log(`round ${round + 1}, events/s: everything ${Math.round(perRun / all.wall)}; ${line.join(", ")}`);
    }

    const cpuKnown = base.every((b) => b.cpu !== null);
    const baseCpu = cpuKnown ? median(base.map((b) => perEvent(b.cpu!))) : null;
    const baseWall = median(base.map((b) => perEvent(b.wall)));
    const baseWal = median(base.map((b) => b.wal / perRun));
    console.log(
      `everything, per event: ${baseCpu !== null ? `${baseCpu.toFixed(1)} µs of backend CPU, ` : ""}${baseWall.toFixed(1)} µs of wall time (${Math.round(1e6 / baseWall)} events/s, one writer), ${Math.round(baseWal)} B of WAL`,
    );
    const figures: Record<string, number> = { store_events_per_s: Math.round(1e6 / baseWall) };
    for (const v of variants.slice(1)) {
      const c = costs.get(v.name)!;
      const cpu = cpuKnown ? median(c.cpu) : null;
      const share = cpu !== null && baseCpu ? cpu / baseCpu : median(c.wall) / baseWall;
      console.log(
        `${v.kind} ${v.name} costs, per event: ${cpu !== null ? `${cpu.toFixed(1)} µs of CPU (${(share * 100).toFixed(1)} %), ` : ""}${median(c.wall).toFixed(1)} µs of wall time, ${Math.round(median(c.wal))} B of WAL`,
      );
      figures[`${v.name}_pct`] = Number((share * 100).toFixed(1));
    }
    console.log(`medians of ${rounds} rounds; a cost is the run with everything minus the run without it`);
    return figures;
  } finally {
    await server.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`).catch(() => {});
    await server.end().catch(() => {});
    await services.stop();
  }
}
