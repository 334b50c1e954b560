import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { prefixFor, services, waitFor } from "./helpers";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("node --import tsx src/main.ts", () => {
  it("starts, answers /health, and exits 0 on SIGTERM", async () => {
    const { databaseUrl, redisUrl } = services();
    // Node itself with tsx's loader, not the tsx CLI: the CLI is a second process relaying signals, and
    // under load its relay (which waits 30 ms for the child to report a handler) let SIGTERM kill it (143).
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: appDir,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        WORKER_HEALTH_PORT: "0",
        LOGBOOK_QUEUE_PREFIX: prefixFor("main"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    try {
      const started = await waitFor(
        () => stdout.split("\n").find((line) => line.includes('"worker started"')),
        10_000,
        `"worker started" (stderr: ${stderr})`,
      );
      const { healthPort } = JSON.parse(started) as { healthPort: number };
      const response = await fetch(`http://127.0.0.1:${healthPort}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "ok", redis: "ok", postgres: "ok" });

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout).toContain('"worker stopped"');
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("refuses to start without DATABASE_URL and REDIS_URL, naming both", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: appDir,
      env: { PATH: process.env.PATH },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("DATABASE_URL is missing");
    expect(stderr).toContain("REDIS_URL is missing");
  });
});
