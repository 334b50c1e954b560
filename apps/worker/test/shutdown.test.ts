import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineQueue } from "../src/queue-definition";
import { startWorkerRuntime } from "../src/runtime";
import { collectingLog, prefixFor, services, waitFor } from "./helpers";

describe("stop()", () => {
  it("lets a running job complete before it resolves", async () => {
    const { databaseUrl, redisUrl } = services();
    const prefix = prefixFor("shutdown");
    const events: string[] = [];
    // A queue of the test's own whose job takes a while, so stop() is called while it runs.
    const slowQueue = defineQueue({
      queue: "slow",
      schema: z.strictObject({ ms: z.number().int() }),
      processor: async ({ ms }) => {
        events.push("job started");
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push("job finished");
        return { sleptMs: ms };
      },
    });
    const runtime = await startWorkerRuntime({
      databaseUrl,
      redisUrl,
      healthPort: 0,
      concurrency: 1,
      log: collectingLog(),
      prefix,
      registry: [slowQueue] as const,
    });

    const job = await runtime.enqueue("slow", { ms: 500 });
    await waitFor(() => (events.includes("job started") ? true : undefined), 5_000, "the job to start");
    await runtime.stop();
    events.push("stop resolved");

    expect(events).toEqual(["job started", "job finished", "stop resolved"]);
    // The health server is gone with the runtime.
    await expect(fetch(`http://127.0.0.1:${runtime.healthPort}/health`)).rejects.toThrow();

    // The completion reached Redis before the connections closed.
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue("slow", { connection, prefix });
    try {
      const stored = await queue.getJob(job.id as string);
      expect(await stored?.getState()).toBe("completed");
      expect(stored?.returnvalue).toEqual({ sleptMs: 500 });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
