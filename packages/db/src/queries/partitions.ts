import { sql } from "drizzle-orm";
import type { Db } from "../client";

const known = new Set<string>();

/** Creates the daily partitions covering [from, to] (UTC days) unless this process already did. */
export async function ensurePartitions(db: Db, from: Date, to: Date): Promise<number> {
  const first = from.toISOString().slice(0, 10);
  const last = to.toISOString().slice(0, 10);
  const key = `${first}/${last}`;
  if (known.has(key)) return 0;
  const result = await db.execute<{ created: number }>(
    sql`SELECT logbook_ensure_partitions(${first}::date, ${last}::date) AS created`,
  );
  known.add(key);
  return Number(result.rows[0]?.created ?? 0);
}
