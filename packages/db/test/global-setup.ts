import type { TestProject } from "vitest/node";
import { startTestServices } from "../src/testing";

export default async function setup(project: TestProject) {
  const services = await startTestServices("db", process.env);
  project.provide("databaseUrl", services.databaseUrl);
  return () => services.stop();
}
