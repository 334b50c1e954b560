import { optionalString, optionalUrl, parseEnv, port } from "@logbook/shared/env";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  PORT: port(3000),
  LOGBOOK_PG_PORT: port(54329),
  LOGBOOK_DATA_DIR: z.string().default(".data"),
  BETTER_AUTH_SECRET: optionalString,
  LOGBOOK_DEMO: z
    .enum(["true", "false", "1", "0", ""], { message: "must be true or false" })
    .default("true")
    .transform((v) => v !== "false" && v !== "0"),
});

/** The launcher's environment (the API and worker validate their own). */
export function loadLauncherEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv("logbook", schema, source);
}
