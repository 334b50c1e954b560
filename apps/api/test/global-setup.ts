import { startTestServices } from "@logbook/db/testing";
import type { TestProject } from "vitest/node";

/** One fresh, migrated database for the whole run (DATABASE_URL's server, else an embedded Postgres). */
export default async function setup(project: TestProject) {
  const services = await startTestServices("api", process.env);
  project.provide("databaseUrl", services.databaseUrl);
  return () => services.stop();
}
