// Runs the API alone: `DATABASE_URL=... REDIS_URL=... tsx src/main.ts` (the launcher at the repo root
// starts it with everything set). Validates the environment, serves HTTP, stops cleanly on SIGTERM.
import { serve } from "@hono/node-server";
import { createDb } from "@logbook/db/client";
import { migrate } from "@logbook/db/migrate";
import { EnvError } from "@logbook/shared/env";
import { createApp } from "./app";
import { loadApiEnv } from "./env";
import { DEMO_API_KEY, DEMO_LOGIN, seedDemoWorkspace } from "./provision/demo-workspace";
import { ensureProvisionedApiKey } from "./provision/initial-api-key";
import { ensureInitialOrganization } from "./provision/initial-organization";
import { grantOperators } from "./provision/operators";

const DEV_SECRET = "logbook-development-secret-change-me-0123456789";

async function main() {
  let env: ReturnType<typeof loadApiEnv>;
  try {
    env = loadApiEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const secret = env.BETTER_AUTH_SECRET ?? (env.NODE_ENV === "production" ? null : DEV_SECRET);
  if (!secret) {
    console.error("logbook api: invalid environment\n  - BETTER_AUTH_SECRET is missing: required in production (32+ characters)");
    process.exit(2);
  }
  const baseURL = (env.LOGBOOK_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  const local = [`http://localhost:${env.PORT}`, `http://127.0.0.1:${env.PORT}`];
  const extra =
    env.LOGBOOK_TRUSTED_ORIGINS?.split(",")
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  const handle = createDb(env.DATABASE_URL, { application: "logbook-api" });
  await migrate(handle.pool);
  const { app, auth, close, warmUp } = createApp({
    db: handle.db,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.LOGBOOK_QUEUE_PREFIX,
    exportDir: env.LOGBOOK_EXPORT_DIR,
    ingestConcurrency: env.LOGBOOK_INGEST_CONCURRENCY,
    ingestThreads: env.LOGBOOK_INGEST_THREADS,
    baseURL,
    secret,
    trustedOrigins: [...local, ...extra],
    webDir: env.LOGBOOK_WEB_DIR,
    trustProxy: env.LOGBOOK_TRUST_PROXY,
  });

  if (env.LOGBOOK_INIT_ORG_NAME && env.LOGBOOK_INIT_USER_EMAIL && env.LOGBOOK_INIT_USER_PASSWORD) {
    const init = await ensureInitialOrganization(handle.db, auth, {
      orgName: env.LOGBOOK_INIT_ORG_NAME,
      email: env.LOGBOOK_INIT_USER_EMAIL,
      password: env.LOGBOOK_INIT_USER_PASSWORD,
    });
    console.log(
      `logbook api: initial organization "${env.LOGBOOK_INIT_ORG_NAME}" ${init.createdOrg ? "created" : "exists"}, owner ${env.LOGBOOK_INIT_USER_EMAIL}`,
    );
    if (env.LOGBOOK_INIT_API_KEY) {
      const key = await ensureProvisionedApiKey(handle.db, {
        tenantId: init.organizationId,
        key: env.LOGBOOK_INIT_API_KEY,
        name: "Initial key",
        createdBy: init.userId,
      });
      const state = key.created ? "provisioned" : key.status === "valid" ? "exists" : `exists but is ${key.status}`;
      console.log(`logbook api: LOGBOOK_INIT_API_KEY ${state} (${env.LOGBOOK_INIT_API_KEY.slice(0, 12)}…)`);
    }
  }
  let demo: Awaited<ReturnType<typeof seedDemoWorkspace>> | null = null;
  if (env.LOGBOOK_DEMO) {
    demo = await seedDemoWorkspace(handle.db, auth);
    if (demo.created) console.log(`logbook api: demo workspace seeded with ${demo.events} events`);
    else if (demo.apiKeyCreated) console.log("logbook api: demo API key added to the existing demo workspace");
  }
  if (env.LOGBOOK_OPERATOR_EMAILS) {
    const granted = await grantOperators(handle.db, env.LOGBOOK_OPERATOR_EMAILS.split(","));
    if (granted.length) console.log(`logbook api: operators: ${granted.join(", ")}`);
  }
  warmUp();
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    console.log(`logbook api listening on ${baseURL} (port ${info.port})`);
    if (demo) {
      console.log(
        `\n  Logbook is running: ${baseURL}\n  Demo workspace: sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}\n  Demo API key: ${DEMO_API_KEY}\n`,
      );
    }
  });

  // Longer than common load balancers' idle timeouts, so they close idle connections first.
  const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;

  // A terminal's Ctrl-C reaches this process and the launcher (which then sends SIGTERM): only a signal
  // more than 2 s after the first forces the exit.
  let stoppingAt = 0;
  const stop = (signal: string) => {
    if (stoppingAt) {
      if (Date.now() - stoppingAt > 2000) process.exit(1);
      return;
    }
    stoppingAt = Date.now();
    console.log(`logbook api: ${signal}, closing`);
    server.close(async () => {
      await close();
      await handle.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error) => {
  console.error(`logbook api: failed to start: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
