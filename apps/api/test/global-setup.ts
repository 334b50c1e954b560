import { startTestServices } from "@logbook/db/testing";
import type { TestProject } from "vitest/node";

/** One fresh, migrated database for the whole run (DATABASE_URL's server, else an embedded Postgres). */
export default async function setup(project: TestProject) {
  const services = await startTestServices("api", process.env);
  project.provide("databaseUrl", services.databaseUrl);
  project.provide("redisUrl", services.redisUrl);
  project.provide("queuePrefix", `logbook-test-${process.pid}-${Date.now().toString(36)}`);
  return () => services.stop();
}
