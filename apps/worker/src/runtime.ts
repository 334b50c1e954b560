import { resolve } from "node:path";
import { createDb } from "@logbook/db/client";
import { type ExportStore, localExportStore } from "@logbook/shared/node/export-store";
import { type DefaultJobOptions, type Job, type JobsOptions, Queue, Worker } from "bullmq";
import type { z } from "zod";
import { type HealthServer, type QueueHealth, type ServiceStatus, startHealthServer, withTimeout } from "./health";
import type { Log } from "./log";
import { createJobProcessor, type QueueDefinition } from "./queue-definition";
import { createRedisConnection } from "./redis";
import { type Registry, registry as defaultRegistry } from "./registry";

export interface WorkerRuntimeOptions<R extends readonly QueueDefinition[] = Registry> {
  databaseUrl: string;
  redisUrl: string;
  /** Port of the /health server; 0 picks a free one (see `healthPort` of the result). */
  healthPort: number;
  /** Jobs run at the same time per queue. */
  concurrency: number;
  log: Log;
  /** Namespace of the BullMQ keys in Redis; tests use one per run. */
  prefix?: string;
  /** The queues to serve; the application registry unless a test brings its own. */
  registry?: R;
  /** Where export files go: a store, or a local directory (default .data/exports). */
  exportStore?: ExportStore;
  exportDir?: string;
  /** BullMQ lock of a running job; a worker that died is noticed after this (tests shorten it). */
  lockDurationMs?: number;
}

type QueueNameOf<R extends readonly QueueDefinition[]> = R[number]["queue"];
type PayloadOf<R extends readonly QueueDefinition[], N> = z.input<Extract<R[number], { queue: N }>["schema"]>;

export interface WorkerRuntime<R extends readonly QueueDefinition[] = Registry> {
  queues: { readonly [N in QueueNameOf<R>]: Queue };
  healthPort: number;
  /** Validates `data` with the queue's schema and adds a job named after the queue. */
  enqueue<N extends QueueNameOf<R>>(queue: N, data: PayloadOf<R, N>, options?: JobsOptions): Promise<Job>;
  /** Closes workers (waiting for running jobs), queues, the health server, Redis and the db. Idempotent. */
  stop(): Promise<void>;
}

export const defaultJobOptions: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export async function startWorkerRuntime<R extends readonly QueueDefinition[] = Registry>(
  options: WorkerRuntimeOptions<R>,
): Promise<WorkerRuntime<R>> {
  // Without an explicit registry R is the default type parameter, i.e. the application registry.
  const definitions: readonly QueueDefinition[] = options.registry ?? defaultRegistry;
  const { log } = options;
  const prefix = options.prefix ?? "logbook";

  const database = createDb(options.databaseUrl, { max: options.concurrency + 2, application: "logbook-worker" });
  const connection = createRedisConnection(options.redisUrl);
  connection.on("error", (error: Error) => log("redis connection error", { error: error.message }));

  const queues = new Map<string, Queue>();
  const workers = new Map<string, Worker>();
  const exportStore = options.exportStore ?? localExportStore(resolve(options.exportDir ?? ".data/exports"));
  const enqueue = async (name: string, data: unknown, jobOptions?: JobsOptions) => {
    const definition = definitions.find((d) => d.queue === name);
    const queue = queues.get(name);
    if (!definition || !queue) throw new Error(`unknown queue "${name}"`);
    await queue.add(name, definition.schema.parse(data), jobOptions);
  };
  const jobState = async (name: string, jobId: string) => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`unknown queue "${name}"`);
    return queue.getJobState(jobId);
  };
  const services = { db: database.db, log, exportStore, enqueue, jobState };
  for (const definition of definitions) {
    const queue = new Queue(definition.queue, { connection, prefix, defaultJobOptions });
    queue.on("error", (error) => log("queue error", { queue: definition.queue, error: error.message }));
    queues.set(definition.queue, queue);

    const worker = new Worker(definition.queue, createJobProcessor(definition, services), {
      connection,
      prefix,
      concurrency: options.concurrency,
      ...(options.lockDurationMs
        ? { lockDuration: options.lockDurationMs, stalledInterval: Math.max(500, Math.floor(options.lockDurationMs / 2)) }
        : {}),
    });
    worker.on("error", (error) => log("worker error", { queue: definition.queue, error: error.message }));
    worker.on("failed", (job, error) =>
      log("job failed", { queue: definition.queue, jobId: job?.id, attemptsMade: job?.attemptsMade, error: error.message }),
    );
    workers.set(definition.queue, worker);
  }

  let health: HealthServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const results = [
        ...(await Promise.allSettled([...workers.values()].map((worker) => worker.close()))),
        ...(await Promise.allSettled([...queues.values()].map((queue) => queue.close()))),
        ...(await Promise.allSettled([health?.close()])),
      ];
      // quit() waits for pending replies; with Redis gone it would wait forever.
      if (connection.status === "ready") await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
      results.push(...(await Promise.allSettled([database.close()])));
      for (const result of results) {
        if (result.status === "rejected") log("error while stopping", { error: String(result.reason) });
      }
    })();
    return stopping;
  };

  try {
    // Health first: while Redis is unreachable the scheduler registration below waits for it,
    // and /health says so with a 503 meanwhile.
    health = await startHealthServer(options.healthPort, {
      redisUrl: options.redisUrl,
      pool: database.pool,
      queues: (redis) => Promise.all([...queues].map(([name, queue]) => queueHealth(name, queue, workers.get(name), redis))),
    });
    for (const definition of definitions) {
      const queue = queues.get(definition.queue) as Queue;
      for (const scheduler of definition.schedulers ?? []) {
        const repeat = scheduler.every !== undefined ? { every: scheduler.every } : { pattern: scheduler.pattern };
        await queue.upsertJobScheduler(scheduler.id, repeat, { name: definition.queue, data: scheduler.data });
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    queues: Object.fromEntries(queues) as WorkerRuntime<R>["queues"],
    healthPort: health.port,
    async enqueue(name, data, jobOptions) {
      const definition = definitions.find((d) => d.queue === name);
      const queue = queues.get(name);
      if (!definition || !queue) throw new Error(`unknown queue "${name}"`);
      return queue.add(name, definition.schema.parse(data), jobOptions);
    },
    stop,
  };
}

async function queueHealth(name: string, queue: Queue, worker: Worker | undefined, redis: ServiceStatus): Promise<QueueHealth> {
  const report: QueueHealth = { name, worker: worker?.isRunning() ? "running" : "stopped" };
  if (redis !== "ok") return report;
  const counts = await withTimeout(
    queue.getJobCounts("waiting", "active", "delayed", "failed"),
    1000,
    undefined as Record<string, number> | undefined,
  );
  return counts ? { ...report, counts } : report;
}
