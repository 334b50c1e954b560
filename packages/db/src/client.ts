import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema/index";

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema> & { $client: pg.Pool };

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Compresses the WAL this connection writes, when the server does not already and the role may
 * (`wal_compression` is a superuser setting, or granted with GRANT SET ON PARAMETER). Most of the WAL
 * of a busy event store is full-page images: the first change to a page after a checkpoint logs the
 * whole page, and ingestion touches index pages all over today's partition, retention every page of a
 * day it sweeps. Compressed (lz4 where the server has it, else pglz) those take about half the WAL,
 * and less WAL means checkpoints further apart, hence fewer full-page images again (bench retention:
 * WAL during the run ~86 → ~61 MB/s). Any refusal is caught inside (a subtransaction): a role without
 * the right simply runs uncompressed. (Behind a transaction-pooling proxy the setting stays with
 * whichever server connection ran it; harmless, but not guaranteed for every transaction.)
 */
const COMPRESS_WAL = `DO $$BEGIN
  IF current_setting('wal_compression') = 'off' THEN
    BEGIN
      PERFORM set_config('wal_compression', 'lz4', false);
    EXCEPTION WHEN OTHERS THEN
      BEGIN
        PERFORM set_config('wal_compression', 'pglz', false);
      EXCEPTION WHEN OTHERS THEN NULL;
      END;
    END;
  END IF;
END$$`;

/** Opens a pooled connection to `url`; every app builds its Db through this. */
export function createDb(url: string, options: { max?: number; application?: string } = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.application ?? "logbook",
    // Before the new connection is handed out (a broken connection fails its first real query instead).
    onConnect: async (client) => {
      await client.query(COMPRESS_WAL).catch(() => {});
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const db = drizzle(pool, { schema }) as Db;
  return { db, pool, close: () => pool.end() };
}

export { schema };
