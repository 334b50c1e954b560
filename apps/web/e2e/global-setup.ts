import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestServices } from "@logbook/db/testing";
import { freePort } from "@logbook/shared/node/redis-service";
import { build } from "vite";
import type { TestProject } from "vitest/node";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(webDir, "../..");

/**
 * Builds the web UI, then runs the real API process (serving that build) against a fresh test
 * database, the way the launcher does. Tests get its URL.
 */
export default async function setup(project: TestProject) {
  const services = await startTestServices("web", process.env);
  await build({ root: webDir, logLevel: "warn" });
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // Exports: a queue prefix and a file directory of this run, shared with the worker a test starts.
  const queuePrefix = `logbook-e2e-${Date.now().toString(36)}`;
  const exportDir = await mkdtemp(join(tmpdir(), "logbook-e2e-exports-"));
  const api: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "apps/api/src/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      PORT: String(port),
      LOGBOOK_WEB_DIR: join(webDir, "dist"),
      LOGBOOK_DEMO: "false",
      NODE_ENV: "development",
      BETTER_AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
      LOGBOOK_QUEUE_PREFIX: queuePrefix,
      LOGBOOK_EXPORT_DIR: exportDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  api.stdout?.on("data", (d) => (output += d));
  api.stderr?.on("data", (d) => (output += d));
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (api.exitCode !== null) throw new Error(`API exited during start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide("baseUrl", baseUrl);
  project.provide("databaseUrl", services.databaseUrl);
  project.provide("redisUrl", services.redisUrl);
  project.provide("queuePrefix", queuePrefix);
  project.provide("exportDir", exportDir);
  return async () => {
    await new Promise<void>((done) => {
      if (api.exitCode !== null) return done();
      api.once("exit", () => done());
      api.kill("SIGTERM");
    });
    await services.stop();
    await rm(exportDir, { recursive: true, force: true });
  };
}
