import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DbHandle } from "@logbook/db/client";
import { pingRedis } from "@logbook/shared/node/redis-service";

export type ServiceStatus = "ok" | "down";

export interface QueueHealth {
  name: string;
  worker: "running" | "stopped";
  /** Job counts by state; absent when Redis does not answer. */
  counts?: Record<string, number>;
}

export interface HealthReport {
  status: ServiceStatus;
  redis: ServiceStatus;
  postgres: ServiceStatus;
  queues: QueueHealth[];
}

const CHECK_TIMEOUT_MS = 1000;

/** Resolves `fallback` when `promise` does not settle (or rejects) within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

export function checkPostgres(pool: DbHandle["pool"]): Promise<ServiceStatus> {
  return withTimeout(
    pool.query("SELECT 1").then((): ServiceStatus => "ok"),
    CHECK_TIMEOUT_MS,
    "down",
  );
}

/** A fresh PING over its own socket, so a stuck BullMQ connection cannot make the check hang. */
export async function checkRedis(url: string): Promise<ServiceStatus> {
  return (await pingRedis(url, CHECK_TIMEOUT_MS)) ? "ok" : "down";
}

export interface HealthChecks {
  redisUrl: string;
  pool: DbHandle["pool"];
  /** Reports the queues, given whether Redis answered (counts need Redis). */
  queues(redis: ServiceStatus): Promise<QueueHealth[]>;
}

export async function collectHealth(checks: HealthChecks): Promise<HealthReport> {
  const [redis, postgres] = await Promise.all([checkRedis(checks.redisUrl), checkPostgres(checks.pool)]);
  const queues = await checks.queues(redis);
  return { status: redis === "ok" && postgres === "ok" ? "ok" : "down", redis, postgres, queues };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** GET /health answers 200 when Redis and Postgres both answer, else 503, with the report as JSON. */
export async function startHealthServer(port: number, checks: HealthChecks): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== "/health" || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    collectHealth(checks).then(
      (report) => {
        response
          .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" })
          .end(request.method === "HEAD" ? undefined : JSON.stringify(report));
      },
      (error: unknown) => {
        response
          .writeHead(503, { "content-type": "application/json" })
          .end(JSON.stringify({ status: "down", error: String(error) }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
