import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@logbook/shared/node/redis-service";
import { buildServers } from "../build-servers";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs the real API process as the launcher does (the built bundle, plain Node) on a free port until `stop()`. */
export async function startApiProcess(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  await buildServers(["api"]);
  const port = await freePort();
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API process there (inspect with Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, "apps/api/dist/bin/main.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      LOGBOOK_DEMO: "false",
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0000",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null) throw new Error("API process exited during start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
