import type { IngestGate } from "../ingest/ingest-gate";
import type { BodyPreparer } from "../ingest/prepare-pool";
import type { Db } from "@logbook/db/client";
import { type MiddlewareHandler, Hono } from "hono";
import { setMetric, timing } from "hono/timing";
import type { Redis } from "ioredis";
import type { ExportsService } from "../exports/exports-service";
import { type ApiKeyVars, apiKeyAuth } from "./api-key-auth";
import { mountEventsReadRoute } from "./events-read-route";
import { mountEventsRoute } from "./events-route";
import { mountExportsRoute } from "./exports-route";
import { mountOtlpRoute } from "./otlp-route";
import { problem } from "./problem";
import { rateLimit } from "./rate-limit";
import { mountRetentionRoute } from "./retention-route";

export interface V1Deps {
  db: Db;
  redis: Redis;
  gate?: IngestGate;
  /** Prepares ingest bodies, big ones on worker threads. */
  preparer: BodyPreparer;
  onUnlabelled?: (tenantId: string, eventIds: string[]) => Promise<void>;
  /** Signs the read API's keyset cursors. */
  cursorSecret: string;
  /** Exports: creation, file store (GET /v1/exports/:id/download). */
  exports: ExportsService;
  log: (line: string) => void;
}

/**
 * The public REST API for tenants' systems, authenticated by API key (the tenant is the key's) and
 * rate-limited per plan (reads count too): /v1/events (ingest; filtered reads, JSON Lines),
 * /v1/events/:id, /v1/logs (OTLP/HTTP logs), /v1/exports, /v1/retention.
 */
export function v1Api(deps: V1Deps) {
  const v1 = new Hono<{ Variables: ApiKeyVars }>();
  // Server-Timing on every answer: where a request's time went (key and settings, rate limit, then the
  // route's own phases), for tenants' clients and for `pnpm bench ingest`.
  v1.use(
    "*",
    timing({ total: true, totalDescription: "total" }),
    timed("auth", apiKeyAuth(deps.db)),
    timed("ratelimit", rateLimit(deps.redis, deps.log)),
  );
  mountEventsRoute(v1, deps);
  mountEventsReadRoute(v1, deps);
  mountOtlpRoute(v1, deps);
  mountExportsRoute(v1, deps);
  mountRetentionRoute(v1, deps);
  v1.all("*", (c) => problem(c, 404, "not_found", `No route ${c.req.method} ${c.req.path}`));
  return v1;
}

/** Runs `middleware` and records its own time (up to its `next()`) as a Server-Timing metric. */
// biome-ignore lint/suspicious/noExplicitAny: wraps middlewares of any environment
function timed<E extends { Variables: any }>(name: string, middleware: MiddlewareHandler<E>): MiddlewareHandler<E> {
  return async (c, next) => {
    const started = performance.now();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      setMetric(c, name, performance.now() - started);
    };
    const response = await middleware(c, async () => {
      record();
      await next();
    });
    record();
    return response;
  };
}
