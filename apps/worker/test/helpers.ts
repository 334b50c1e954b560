import type { Job, Queue } from "bullmq";
import { inject } from "vitest";
import type { Log } from "../src/log";

export const services = () => ({
  databaseUrl: inject("databaseUrl"),
  redisUrl: inject("redisUrl"),
});

/** A BullMQ prefix of its own for one test file, inside the run's prefix. */
export const prefixFor = (name: string) => `${inject("queuePrefix")}-${name}`;

/** Collects log lines so a test can read them; nothing is printed. */
export function collectingLog(): Log & { lines: { message: string; fields?: Record<string, unknown> }[] } {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  return Object.assign((message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields }), { lines });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls until the job is completed or failed, then returns it fresh from Redis. */
export async function waitForFinished(queue: Queue, id: string | undefined): Promise<Job> {
  if (!id) throw new Error("job has no id");
  return waitFor(
    async () => {
      const state = await queue.getJobState(id);
      return state === "completed" || state === "failed" ? queue.getJob(id) : undefined;
    },
    10_000,
    `job ${id} to finish`,
  );
}

/** The UTC date `days` after today as YYYYMMDD, the suffix of a daily partition. */
export function partitionSuffix(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().slice(0, 10).replaceAll("-", "");
}
