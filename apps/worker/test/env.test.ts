import { EnvError } from "@logbook/shared/env";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env";

describe("worker env", () => {
  it("lists every missing or bad variable at once", () => {
    let error: unknown;
    try {
      loadWorkerEnv({ REDIS_URL: "http://nope", WORKER_CONCURRENCY: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as EnvError).message;
    expect(message).toContain("DATABASE_URL is missing");
    expect(message).toContain("REDIS_URL is invalid");
    expect(message).toContain("WORKER_CONCURRENCY is invalid");
  });

  it("applies the defaults", () => {
    const env = loadWorkerEnv({ DATABASE_URL: "postgres://u@h/db", REDIS_URL: "redis://h:6379", WORKER_HEALTH_PORT: "" });
    expect(env).toEqual({
      DATABASE_URL: "postgres://u@h/db",
      REDIS_URL: "redis://h:6379",
      WORKER_HEALTH_PORT: 3001,
      WORKER_CONCURRENCY: 4,
      LOGBOOK_QUEUE_PREFIX: "logbook",
      LOGBOOK_EXPORT_DIR: ".data/exports",
    });
    expect(
      loadWorkerEnv({ DATABASE_URL: "postgresql://h/db", REDIS_URL: "redis://h", WORKER_HEALTH_PORT: "0" }).WORKER_HEALTH_PORT,
    ).toBe(0);
  });
});
