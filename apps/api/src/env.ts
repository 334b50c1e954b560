import { optionalString, parseEnv, port } from "@logbook/shared/env";
import { z } from "zod";
import { DEFAULT_INGEST_CONCURRENCY } from "./ingest/ingest-gate";
import { DEFAULT_INGEST_THREADS } from "./ingest/prepare-pool";

const schema = z
  .object({
    DATABASE_URL: z
      .string({ message: "set it to a postgres:// URL (the launcher sets it for you)" })
      .refine((v) => /^postgres(ql)?:\/\//.test(v), "must start with postgres:// or postgresql://"),
    REDIS_URL: z
      .string({ message: "set it to a redis:// URL (the launcher sets it for you)" })
      .refine((v) => /^rediss?:\/\//.test(v), "must start with redis:// or rediss://"),
    PORT: port(3000),
    HOST: z.string().default("0.0.0.0"),
    /** Public URL of Logbook, used for links (invites) and as better-auth's base URL. */
    LOGBOOK_URL: z.url({ message: "must be a URL such as http://localhost:3000" }).optional(),
    /** Extra origins allowed to call the auth endpoints, comma-separated. */
    LOGBOOK_TRUSTED_ORIGINS: optionalString,
    BETTER_AUTH_SECRET: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(32, "must be at least 32 characters").optional(),
    ),
    /** Directory of the built web UI to serve at /; unset in API-only deployments. */
    LOGBOOK_WEB_DIR: optionalString,
    /** Ingest transactions run at once; about the number of Postgres cores. */
    LOGBOOK_INGEST_CONCURRENCY: z.coerce.number().int().min(1, "must be at least 1").max(64).default(DEFAULT_INGEST_CONCURRENCY),
    LOGBOOK_INGEST_THREADS: z.coerce.number().int().min(0, "must be 0 or more").max(16).default(DEFAULT_INGEST_THREADS),
    /** Directory of export files, shared with the worker (the launcher puts it under LOGBOOK_DATA_DIR). */
    LOGBOOK_EXPORT_DIR: z.string().min(1).default(".data/exports"),
    /** BullMQ key prefix shared with the worker. */
    LOGBOOK_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]+$/, "letters, digits, : _ - only")
      .default("logbook"),
    /** Set when a reverse proxy in front of Logbook sets X-Forwarded-For (used for audit IPs). */
    LOGBOOK_TRUST_PROXY: z
      .enum(["true", "false", "1", "0", ""], { message: "must be true or false" })
      .default("false")
      .transform((v) => v === "true" || v === "1"),
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Seed the demo workspace on first start (the quick start turns it on). */
    LOGBOOK_DEMO: z
      .enum(["true", "false", "1", "0", ""], { message: "must be true or false" })
      .default("false")
      .transform((v) => v === "true" || v === "1"),
    LOGBOOK_INIT_ORG_NAME: optionalString,
    LOGBOOK_INIT_USER_EMAIL: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.email({ message: "must be an email address" }).optional(),
    ),
    LOGBOOK_INIT_USER_PASSWORD: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(8, "must be at least 8 characters").optional(),
    ),
    /** An API key provisioned for the LOGBOOK_INIT_* organization on start (headless set-ups). */
    LOGBOOK_INIT_API_KEY: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .refine((v) => v.startsWith("lb_"), "must start with lb_ (e.g. lb_ followed by 40 random letters and digits)")
        .refine((v) => v.length >= 32 && v.length <= 200, "must be 32 to 200 characters long")
        .refine((v) => /^[\x21-\x7e]+$/.test(v), "must not contain spaces or non-ASCII characters")
        .optional(),
    ),
    /** Users (by email) who get the platform role operator on start, comma-separated. */
    LOGBOOK_OPERATOR_EMAILS: optionalString,
  })
  .superRefine((env, ctx) => {
    const init = [env.LOGBOOK_INIT_ORG_NAME, env.LOGBOOK_INIT_USER_EMAIL, env.LOGBOOK_INIT_USER_PASSWORD];
    if (init.some(Boolean) && !init.every(Boolean)) {
      for (const [name, value] of [
        ["LOGBOOK_INIT_ORG_NAME", env.LOGBOOK_INIT_ORG_NAME],
        ["LOGBOOK_INIT_USER_EMAIL", env.LOGBOOK_INIT_USER_EMAIL],
        ["LOGBOOK_INIT_USER_PASSWORD", env.LOGBOOK_INIT_USER_PASSWORD],
      ] as const) {
        if (!value) ctx.addIssue({ code: "custom", path: [name], message: "set all three LOGBOOK_INIT_* variables together" });
      }
    }
    if (env.LOGBOOK_INIT_API_KEY && !init.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: ["LOGBOOK_INIT_API_KEY"],
        message:
          "needs LOGBOOK_INIT_ORG_NAME, LOGBOOK_INIT_USER_EMAIL and LOGBOOK_INIT_USER_PASSWORD (the key is provisioned for that organization)",
      });
    }
  });

export type ApiEnv = z.infer<typeof schema>;

export function loadApiEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv("logbook api", schema, source);
}
