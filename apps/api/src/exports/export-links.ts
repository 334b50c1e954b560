import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Short-lived signed download links for the browser: `<payload>.<signature>`, the payload naming
 * the tenant, the export and the expiry, HMAC-SHA256-signed with a server key. A link is refused
 * when expired, altered or presented for another tenant or export.
 */

export const DOWNLOAD_LINK_TTL_SECONDS = 300;

interface LinkPayload {
  t: string;
  e: string;
  /** The user the link was issued to (for the audit trail). */
  u: string | null;
  exp: number;
}

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");

export function signDownloadToken(
  secret: string,
  input: { tenantId: string; exportId: string; userId?: string | null; now?: number; ttlSeconds?: number },
): { token: string; expiresAt: Date } {
  const now = input.now ?? Date.now();
  const exp = Math.floor(now / 1000) + (input.ttlSeconds ?? DOWNLOAD_LINK_TTL_SECONDS);
  const payload = Buffer.from(
    JSON.stringify({ t: input.tenantId, e: input.exportId, u: input.userId ?? null, exp } satisfies LinkPayload),
  ).toString("base64url");
  return { token: `${payload}.${sign(secret, payload)}`, expiresAt: new Date(exp * 1000) };
}

export type DownloadTokenCheck =
  | { ok: true; tenantId: string; exportId: string; userId: string | null }
  | { ok: false; reason: "malformed" | "forged" | "expired" | "wrong_export" };

/** Checks a token; `exportId` is the export the URL names (a token is valid for that export only). */
export function verifyDownloadToken(secret: string, token: string, exportId: string, now = Date.now()): DownloadTokenCheck {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "forged" };
  let parsed: LinkPayload;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as LinkPayload;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof parsed.t !== "string" || typeof parsed.e !== "string" || typeof parsed.exp !== "number") {
    return { ok: false, reason: "malformed" };
  }
  if (parsed.exp * 1000 <= now) return { ok: false, reason: "expired" };
  if (parsed.e !== exportId) return { ok: false, reason: "wrong_export" };
  return { ok: true, tenantId: parsed.t, exportId: parsed.e, userId: typeof parsed.u === "string" ? parsed.u : null };
}
