import { loadWorkerEnv, type WorkerEnv } from "./env";
import { createJsonLog } from "./log";
import { startWorkerRuntime } from "./runtime";

const log = createJsonLog();

function fail(message: string, error: unknown): never {
  log(message, { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

let env: WorkerEnv;
try {
  env = loadWorkerEnv();
} catch (error) {
  fail("worker not started: invalid environment", error);
}

const runtime = await startWorkerRuntime({
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  healthPort: env.WORKER_HEALTH_PORT,
  concurrency: env.WORKER_CONCURRENCY,
  prefix: env.LOGBOOK_QUEUE_PREFIX,
  exportDir: env.LOGBOOK_EXPORT_DIR,
  log,
}).catch((error: unknown) => fail("worker not started", error));
log("worker started", {
  queues: Object.keys(runtime.queues),
  healthPort: runtime.healthPort,
  concurrency: env.WORKER_CONCURRENCY,
  prefix: env.LOGBOOK_QUEUE_PREFIX,
});

// Ctrl-C in a terminal reaches this process and the launcher, which then sends SIGTERM too: only a
// signal more than 2 s after the first one forces an exit without waiting for running jobs.
let signalledAt = 0;
const shutdown = (signal: NodeJS.Signals) => {
  if (signalledAt) {
    if (Date.now() - signalledAt < 2000) return;
    log("second signal, exiting without waiting", { signal });
    process.exit(1);
  }
  signalledAt = Date.now();
  log("stopping: waiting for running jobs", { signal });
  runtime.stop().then(
    () => {
      log("worker stopped");
      process.exit(0);
    },
    (error: unknown) => {
      log("worker stop failed", { error: String(error) });
      process.exit(1);
    },
  );
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
