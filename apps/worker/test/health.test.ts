import { createDb } from "@logbook/db/client";
import { freePort } from "@logbook/shared/node/redis-service";
import { describe, expect, it } from "vitest";
import { startHealthServer } from "../src/health";
import { services } from "./helpers";

/** Real clients against ports where nothing listens: the services are down, not mocked. */
describe("/health when a service is down", () => {
  async function probe(databaseUrl: string, redisUrl: string) {
    const database = createDb(databaseUrl, { max: 1 });
    const server = await startHealthServer(0, { redisUrl, pool: database.pool, queues: async () => [] });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/health`);
      return { status: response.status, body: await response.json() };
    } finally {
      await server.close();
      await database.close();
    }
  }

  it("answers 503 naming both when Redis and Postgres are down", async () => {
    const deadPg = `postgres://nobody@127.0.0.1:${await freePort()}/none`;
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    expect(await probe(deadPg, deadRedis)).toEqual({
      status: 503,
      body: { status: "down", redis: "down", postgres: "down", queues: [] },
    });
  });

  it("answers 503 naming Redis when only Redis is down", async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    expect(await probe(services().databaseUrl, deadRedis)).toMatchObject({
      status: 503,
      body: { status: "down", redis: "down", postgres: "ok" },
    });
  });

  it("answers 503 naming Postgres when only Postgres is down", async () => {
    const deadPg = `postgres://nobody@127.0.0.1:${await freePort()}/none`;
    expect(await probe(deadPg, services().redisUrl)).toMatchObject({
      status: 503,
      body: { status: "down", redis: "ok", postgres: "down" },
    });
  });
});
