import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The public API's error shape: `{ "error": { "code", "message", ...details } }`. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  return c.json({ error: { code, message, ...details } }, status, headers);
}
