import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");
const LOCK_ID = 7_150_001;

/**
 * Applies every SQL file of packages/db/migrations not yet applied, in name order, each in its own
 * transaction, under an advisory lock so concurrent starts do not race. Then creates the event
 * partitions around today. Returns the names applied.
 */
export async function migrate(pool: pg.Pool, options: { partitionDaysBack?: number; partitionDaysAhead?: number } = {}) {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS logbook_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set((await client.query<{ name: string }>("SELECT name FROM logbook_migrations")).rows.map((r) => r.name));
    const files = (await readdir(migrationsDir)).filter((f) => f.endsWith(".sql")).sort();
    for (const file of files) {
      if (done.has(file)) continue;
      const text = await readFile(join(migrationsDir, file), "utf8");
      await client.query("BEGIN");
      try {
        await client.query(text);
        await client.query("INSERT INTO logbook_migrations (name) VALUES ($1)", [file]);
        await client.query("COMMIT");
        applied.push(file);
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${file} failed: ${(error as Error).message}`);
      }
    }
    await client.query(
      "SELECT logbook_ensure_partitions(((now() AT TIME ZONE 'UTC')::date - $1::int), ((now() AT TIME ZONE 'UTC')::date + $2::int))",
      [options.partitionDaysBack ?? 31, options.partitionDaysAhead ?? 7],
    );
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]).catch(() => {});
    client.release();
  }
  return applied;
}
