import { parseEnv, port } from "@logbook/shared/env";
import { z } from "zod";

const requiredUrl = (protocols: string[]) =>
  z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string({ error: `required, a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}` })
      .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
        message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}`,
      }),
  );

const positiveInt = (fallback: number, max: number) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? String(fallback) : v),
    z.coerce.number().int().min(1, `must be an integer from 1 to ${max}`).max(max, `must be an integer from 1 to ${max}`),
  );

export const workerEnvSchema = z.object({
  DATABASE_URL: requiredUrl(["postgres", "postgresql"]),
  REDIS_URL: requiredUrl(["redis"]),
  /** Port of the /health server; 0 picks a free one. */
  WORKER_HEALTH_PORT: port(3001),
  /** Jobs run at the same time per queue. */
  WORKER_CONCURRENCY: positiveInt(4, 100),
  /** Directory of export files (shared with the API); the launcher puts it under LOGBOOK_DATA_DIR. */
  LOGBOOK_EXPORT_DIR: z.preprocess((v) => (v === "" || v === undefined ? ".data/exports" : v), z.string()),
  /** Namespace of BullMQ's Redis keys; lets several Logbooks (or test runs) share one Redis. */
  LOGBOOK_QUEUE_PREFIX: z.preprocess(
    (v) => (v === "" || v === undefined ? "logbook" : v),
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, '_', '.' or '-'"),
  ),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** Validates `source` (process.env by default); throws an EnvError that lists every problem. */
export function loadWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  return parseEnv("worker", workerEnvSchema, source);
}
