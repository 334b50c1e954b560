import { z } from "zod";

/** Thrown when the environment does not satisfy an app's schema; the message lists every problem. */
export class EnvError extends Error {
  constructor(
    readonly app: string,
    readonly problems: string[],
  ) {
    super(`${app}: invalid environment\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/**
 * Validates `source` (normally process.env) against `schema` and returns the typed result.
 * Every app has one env.ts that calls this; nothing else reads process.env.
 */
export function parseEnv<S extends z.ZodObject>(app: string, schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = source[String(issue.path[0])];
    return value === undefined || value === "" ? `${name} is missing: ${issue.message}` : `${name} is invalid: ${issue.message}`;
  });
  throw new EnvError(app, problems);
}

/** Treats empty strings as absent so `FOO=` behaves like an unset variable. */
export const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

export const optionalUrl = (protocols: string[]) =>
  z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
        message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}`,
      })
      .optional(),
  );

export const port = (fallback: number) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? String(fallback) : v),
    z.coerce.number().int().min(0, "must be a port number (0-65535)").max(65535, "must be a port number (0-65535)"),
  );
