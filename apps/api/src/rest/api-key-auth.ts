import type { Db } from "@logbook/db/client";
import { findApiKeyWithSettings, touchApiKey } from "@logbook/db/queries/api-keys";
import type { TenantSettingsView } from "@logbook/db/queries/tenant-settings";
import type { MiddlewareHandler } from "hono";
import { problem } from "./problem";

export interface ApiKeyVars {
  apiKey: { tenantId: string; keyId: string; prefix: string };
  /** The key's tenant's plan and privacy settings, read with the key (fresh: a change applies at once). */
  settings: TenantSettingsView;
}

/** The presented key: `Authorization: Bearer <key>`, or `X-API-Key: <key>` for clients that cannot set the former. */
function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  return xApiKey?.trim() || null;
}

/**
 * Authenticates a public API request by its API key: 401 when missing or unknown, 403 when revoked
 * or expired. The tenant of the request is the key's; a revocation takes effect on the next request.
 */
export function apiKeyAuth(db: Db): MiddlewareHandler<{ Variables: ApiKeyVars }> {
  return async (c, next) => {
    const key = presentedKey(c.req.header("authorization"), c.req.header("x-api-key"));
    if (!key) {
      return problem(c, 401, "missing_api_key", "Send your API key as `Authorization: Bearer <key>`.");
    }
    const found = await findApiKeyWithSettings(db, key);
    if (found.status === "unknown") return problem(c, 401, "invalid_api_key", "This API key is not valid.");
    if (found.status !== "valid") {
      return found.status === "revoked"
        ? problem(c, 403, "api_key_revoked", "This API key has been revoked.")
        : problem(c, 403, "api_key_expired", "This API key has expired.");
    }
    c.set("apiKey", { tenantId: found.tenantId, keyId: found.keyId, prefix: found.prefix });
    c.set("settings", found.settings);
    void touchApiKey(db, { tenantId: found.tenantId, keyId: found.keyId }).catch(() => {});
    await next();
  };
}
