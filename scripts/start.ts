// The quick-start launcher: Postgres (DATABASE_URL, else an embedded one with data in .data/),
// Redis (REDIS_URL, else 127.0.0.1:6379, else a redis-server started here), migrations, then the API
// (serving the built web UI) and the worker as child processes. Ctrl-C stops all of it.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@logbook/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@logbook/db/embedded";
import { migrate } from "@logbook/db/migrate";
import { EnvError } from "@logbook/shared/env";
import { resolveRedis } from "@logbook/shared/node/redis-service";
import { loadLauncherEnv } from "./env";
import { buildServers } from "./build-servers";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const say = (line: string) => console.log(`[logbook] ${line}`);

async function secretFor(dataDir: string): Promise<string> {
  const file = join(dataDir, "auth-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

async function main() {
  const env = loadLauncherEnv();
  const dataDir = resolve(root, env.LOGBOOK_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 8000).unref();
          }),
      ),
    );
    for (const cleanup of cleanups.reverse()) {
      await Promise.race([cleanup().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    }
    say("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      say(`starting embedded Postgres (data in ${dataDir}/pg, port ${env.LOGBOOK_PG_PORT})`);
      const embedded = await startEmbeddedPostgres({ dataDir, port: env.LOGBOOK_PG_PORT, log: say });
      cleanups.push(embedded.stop);
      await ensureDatabase(embedded.serverUrl, "logbook");
      databaseUrl = embedded.urlFor("logbook");
    }
    const redis = await resolveRedis(env.REDIS_URL);
    cleanups.push(redis.stop);
    say(`Redis: ${redis.origin === "spawned" ? `started redis-server at ${redis.url}` : redis.url}`);

    const handle = createDb(databaseUrl, { max: 2, application: "logbook-launcher" });
    const applied = await migrate(handle.pool);
    await handle.close();
    say(applied.length ? `migrations applied: ${applied.join(", ")}` : "database is up to date");

    const webDir = join(root, "apps/web/dist");
    if (!existsSync(join(webDir, "index.html")))
      say("web UI is not built (pnpm --filter @logbook/web build): serving the API only");
    const childEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PORT: String(env.PORT),
      WORKER_HEALTH_PORT: String(env.PORT + 1),
      BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET ?? (await secretFor(dataDir)),
      LOGBOOK_WEB_DIR: existsSync(join(webDir, "index.html")) ? webDir : "",
      LOGBOOK_DEMO: env.LOGBOOK_DEMO ? "true" : "false",
      LOGBOOK_EXPORT_DIR: process.env.LOGBOOK_EXPORT_DIR || join(dataDir, "exports"),
    };
    // Plain JavaScript bundles (scripts/build-servers.ts): no TypeScript loader in the running processes.
    await buildServers();
    for (const name of ["api", "worker"] as const) {
      const child = spawn(process.execPath, [join(root, "apps", name, "dist/bin/main.mjs")], {
        cwd: root,
        env: childEnv,
        stdio: "inherit",
      });
      child.on("exit", (code, signal) => {
        if (!stopping) {
          say(`${name} exited (${signal ?? code}); stopping everything`);
          void shutdown(1);
        }
      });
      children.push(child);
    }
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : `[logbook] ${(error as Error).message}`);
    await shutdown(1);
  }
}

void main();
