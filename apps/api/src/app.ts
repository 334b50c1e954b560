import { createHmac } from "node:crypto";
import { resolve } from "node:path";
import type { Db } from "@logbook/db/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { type ExportStore, localExportStore } from "@logbook/shared/node/export-store";
import { Redis } from "ioredis";
import { createAuth } from "./auth/auth";
import { authRoute } from "./auth/auth-route";
import { mountBrowserDownload } from "./exports/browser-download";
import { createExportsService } from "./exports/exports-service";
import { clientIpFrom } from "./http/client-ip";
import { mountWebUi } from "./http/web-ui";
import { classificationHandoff } from "./ingest/classification-handoff";
import { createIngestGate, DEFAULT_INGEST_CONCURRENCY } from "./ingest/ingest-gate";
import { createBodyPreparer, DEFAULT_INGEST_THREADS } from "./ingest/prepare-pool";
import { openApiDocument } from "./rest/openapi";
import { v1Api } from "./rest/v1";
import { createContext } from "./trpc/context";
import { createReclassifyService } from "./classification/reclassify-service";
import { appRouter } from "./trpc/router";

export interface AppOptions {
  db: Db;
  baseURL: string;
  secret: string;
  /** Signs the read API's cursors (default: derived from `secret`). */
  cursorSecret?: string;
  redisUrl: string;
  /** BullMQ key prefix shared with the worker (default "logbook"). */
  queuePrefix?: string;
  trustedOrigins?: string[];
  /** Ingest transactions run at once (default DEFAULT_INGEST_CONCURRENCY: the machine's cores, 2 to 16). */
  ingestConcurrency?: number;
  /** Worker threads preparing big ingest bodies (default DEFAULT_INGEST_THREADS; 0: on the event loop). */
  ingestThreads?: number;
  webDir?: string;
  /** Where export files are read from: a store, or a local directory (default .data/exports). */
  exportStore?: ExportStore;
  exportDir?: string;
  /** Take the caller's IP from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
  log?: (line: string) => void;
}

/**
 * The HTTP surface: /api/auth/* (better-auth), /trpc/* (the web UI's API), /v1/* (the public API for
 * API keys: ingest, OTLP logs, reads, OpenAPI), /health, and the built web UI.
 */
export function createApp(options: AppOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  const auth = createAuth({
    db: options.db,
    baseURL: options.baseURL,
    secret: options.secret,
    trustedOrigins: [options.baseURL, ...(options.trustedOrigins ?? [])],
    log,
  });
  // One key for the read API's cursors (REST and tRPC), never the auth secret itself.
  const cursorSecret = options.cursorSecret ?? createHmac("sha256", options.secret).update("logbook-cursors").digest("base64url");
  const queueRedis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  queueRedis.on("error", () => {});
  const exports = createExportsService({
    db: options.db,
    store: options.exportStore ?? localExportStore(resolve(options.exportDir ?? ".data/exports")),
    connection: queueRedis,
    prefix: options.queuePrefix ?? "logbook",
    // Download links get a key of their own, derived like the cursors'.
    linkSecret: createHmac("sha256", options.secret).update("logbook-export-links").digest("base64url"),
    log,
  });
  const reclassify = createReclassifyService({
    db: options.db,
    connection: queueRedis,
    prefix: options.queuePrefix ?? "logbook",
    log,
  });
  const deps = { db: options.db, auth, baseURL: options.baseURL, cursorSecret, exports, reclassify };
  const clientIp = clientIpFrom(options.trustProxy ?? false);
  const app = new Hono();

  app.onError((error, c) => {
    log(`api error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ error: { code: "internal_error", message: "Something went wrong on our side." } }, 500);
  });

  app.get("/health", async (c) => {
    try {
      await options.db.$client.query("SELECT 1");
      return c.json({ status: "ok", postgres: "ok" });
    } catch {
      return c.json({ status: "degraded", postgres: "down" }, 503);
    }
  });

  app.on(["GET", "POST"], "/api/auth/*", authRoute({ auth, db: options.db, clientIp, log }));

  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      createContext: () => createContext(deps, c.req.raw, clientIp(c)),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") log(`trpc error on ${path}: ${error.cause?.stack ?? error.message}`);
      },
    }),
  );

  // Rate limits must fail fast when Redis is away (requests are then let through), never queue up.
  const limiterRedis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  limiterRedis.on("error", () => {});
  const handoff = classificationHandoff(queueRedis, options.queuePrefix ?? "logbook", log);
  const preparer = createBodyPreparer({ threads: options.ingestThreads ?? DEFAULT_INGEST_THREADS, log });
  const openApi = openApiDocument(options.baseURL);
  app.get("/v1/openapi.json", (c) => c.json(openApi));
  app.route(
    "/v1",
    v1Api({
      db: options.db,
      redis: limiterRedis,
      gate: createIngestGate(options.ingestConcurrency ?? DEFAULT_INGEST_CONCURRENCY),
      preparer,
      // After the commit and off the response path: the events are stored whatever Redis does.
      onUnlabelled: async (tenantId, ids) => void handoff.enqueue(tenantId, ids),
      cursorSecret,
      exports,
      log,
    }),
  );
  mountBrowserDownload(app, { db: options.db, exports, clientIp });
  app.all("/api/*", (c) => c.json({ error: { code: "not_found", message: `No route ${c.req.method} ${c.req.path}` } }, 404));

  if (options.webDir) mountWebUi(app, options.webDir);
  const close = async () => {
    await preparer.close();
    await handoff.queue.close().catch(() => {});
    await exports.close().catch(() => {});
    await reclassify.close().catch(() => {});
    limiterRedis.disconnect();
    queueRedis.disconnect();
  };
  return { app, auth, handoff, close, warmUp: () => preparer.warmUp() };
}
