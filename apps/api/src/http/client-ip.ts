import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The caller's address: the socket's, or — only when Logbook is told it runs behind a trusted proxy
 * (LOGBOOK_TRUST_PROXY) — the first X-Forwarded-For hop, which clients could otherwise forge.
 */
export const clientIpFrom = (trustProxy: boolean) => (c: Context) => clientIp(c, trustProxy);

export function clientIp(c: Context, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  if (forwarded) return forwarded;
  try {
    const address = getConnInfo(c).remote.address ?? null;
    return address?.replace(/^::ffff:/, "") ?? null;
  } catch {
    return null;
  }
}
