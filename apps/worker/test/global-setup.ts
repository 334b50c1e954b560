import { startTestServices } from "@logbook/db/testing";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";

/** One migrated database and a Redis for the whole run; the run's BullMQ keys are removed after. */
export default async function setup(project: TestProject) {
  const services = await startTestServices("worker", process.env);
  const queuePrefix = `logbook-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  project.provide("databaseUrl", services.databaseUrl);
  project.provide("redisUrl", services.redisUrl);
  project.provide("queuePrefix", queuePrefix);

  return async () => {
    const redis = new Redis(services.redisUrl, { lazyConnect: true });
    try {
      await redis.connect();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}*`, "COUNT", 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
      await services.stop();
    }
  };
}
