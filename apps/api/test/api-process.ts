import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@logbook/shared/node/redis-service";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr. */
  output: () => string;
  /** SIGKILL, resolved once the process is gone (no clean shutdown: in-flight requests die). */
  kill: () => Promise<void>;
}

/**
 * Runs the real API process (`node --import tsx apps/api/src/main.ts`, as the launcher does) on a
 * free loopback port and waits until GET /health answers 200.
 */
export async function startApiProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "apps/api/src/main.ts")], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", () => done());
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) break;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`API exited during start:\n${output}`);
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`API not healthy after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, output: () => output, kill };
}
