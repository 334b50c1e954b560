import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/** The caller's address: the socket's, or the first X-Forwarded-For hop when behind a proxy. */
export function clientIp(c: Context): string | null {
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  try {
    const address = getConnInfo(c).remote.address ?? null;
    return address?.replace(/^::ffff:/, "") ?? null;
  } catch {
    return null;
  }
}
