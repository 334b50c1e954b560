import type { Db } from "@logbook/db/client";
import { getTenantSettings, type TenantSettingsView } from "@logbook/db/queries/tenant-settings";
import type { MiddlewareHandler } from "hono";
import type { ApiKeyVars } from "./api-key-auth";

export interface SettingsVars extends ApiKeyVars {
  settings: TenantSettingsView;
}

/** Loads the key's tenant settings (plan, privacy) once per request, fresh: a change applies at once. */
export function loadTenantSettings(db: Db): MiddlewareHandler<{ Variables: SettingsVars }> {
  return async (c, next) => {
    c.set("settings", await getTenantSettings(db, { tenantId: c.get("apiKey").tenantId }));
    await next();
  };
}
