import { spawn } from "node:child_process";
import { createServer, Socket } from "node:net";

/** Sends PING over RESP and resolves true when a Redis answers PONG within `timeoutMs`. */
export function pingRedis(url: string, timeoutMs = 500): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(Number(u.port || 6379), u.hostname || "127.0.0.1", () => {
      const auth = u.password ? `AUTH ${decodeURIComponent(u.password)}\r\n` : "";
      socket.write(`${auth}PING\r\n`);
    });
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      if (buffer.includes("+PONG")) done(true);
      else if (buffer.includes("-NOAUTH") || buffer.includes("-ERR")) done(false);
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisService {
  url: string;
  /** How the URL was found: given, a local server answering, or one started for this process. */
  origin: "env" | "local" | "spawned";
  stop(): Promise<void>;
}

export const REDIS_INSTALL_HELP =
  "Logbook needs Redis. Install it (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) " +
  "so that `redis-server` is on PATH, start one on 127.0.0.1:6379, or set REDIS_URL=redis://host:port.";

/**
 * The Redis of DESIGN.md's defaults: REDIS_URL when given; else 127.0.0.1:6379 if it answers;
 * else a `redis-server` from PATH started for this process (stopped by `stop`); else an error saying
 * how to get one.
 */
export async function resolveRedis(givenUrl?: string): Promise<RedisService> {
  if (givenUrl) return { url: givenUrl, origin: "env", stop: async () => {} };
  const local = "redis://127.0.0.1:6379";
  if (await pingRedis(local)) return { url: local, origin: "local", stop: async () => {} };

  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const spawnError = await new Promise<Error | null>((resolve) => {
    child.once("error", (e) => resolve(e));
    child.once("spawn", () => resolve(null));
  });
  if (spawnError)
    throw new Error(
      `No Redis answers on 127.0.0.1:6379 and redis-server could not be started (${spawnError.message}). ${REDIS_INSTALL_HELP}`,
    );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await pingRedis(url, 200)) break;
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}. ${REDIS_INSTALL_HELP}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  return { url, origin: "spawned", stop };
}
