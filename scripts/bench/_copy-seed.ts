import { once } from "node:events";
import type { Random } from "@logbook/db/seed/random";
import { createRandom } from "@logbook/db/seed/random";
import pg from "pg";
import copyStreams from "pg-copy-streams";

/** A UUIDv7 for `ms` from a seeded generator (benches seed reproducible data). */
export function seededUuid7(ms: number, r: Random) {
  const hex = ms.toString(16).padStart(12, "0");
  const rnd = () =>
    Math.floor(r.next() * 0x10000)
      .toString(16)
      .padStart(4, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${rnd().slice(1)}-${(0x8000 | Math.floor(r.next() * 0x3fff)).toString(16)}-${rnd()}${rnd()}${rnd()}`;
}

/** A value in COPY's text format. */
export const copyValue = (v: string | number | boolean | null | undefined) =>
  v === null || v === undefined ? "\\N" : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");

/**
 * Seeds `total` events straight into `events` with COPY (text format) on two connections, each with
 * its own seeded generator; `row(r)` gives one row's values in `columns` order. Creates the partitions
 * of the last 31 days first, ANALYZEs after, logs progress every `every` rows, returns the seconds taken.
 */
export async function copySeedEvents(
  databaseUrl: string,
  options: { columns: readonly string[]; total: number; seed: number; every: number; row: (r: Random) => unknown[] },
): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(
    "SELECT logbook_ensure_partitions(((now() AT TIME ZONE 'UTC')::date - 31), ((now() AT TIME ZONE 'UTC')::date + 1))",
  );
  const streams = 2;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const r = createRandom(options.seed + s);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const copy = client.query(copyStreams.from(`COPY events (${options.columns.join(", ")}) FROM STDIN`));
      let chunk = "";
      for (let i = s; i < options.total; i += streams) {
        chunk += `${options
          .row(r)
          .map((v) => copyValue(v as string | number | boolean | null))
          .join("\t")}\n`;
        if (chunk.length > 1 << 20) {
          if (!copy.write(chunk)) await once(copy, "drain");
          chunk = "";
        }
        if (s === 0 && i % options.every === 0 && i > 0)
          console.log(`  seeded ~${i.toLocaleString("en")} events (${Math.round((performance.now() - started) / 1000)} s)`);
      }
      copy.end(chunk);
      await once(copy, "finish");
      await client.end();
    }),
  );
  await admin.query("ANALYZE events");
  await admin.end();
  return Math.round((performance.now() - started) / 1000);
}
