import type { Db } from "@logbook/db/client";
import { createApiKey, findApiKey } from "@logbook/db/queries/api-keys";
import { recordAudit } from "@logbook/db/queries/audit";
import { auditTypes } from "@logbook/shared/events";

/**
 * Provisions an API key whose secret is given (LOGBOOK_INIT_API_KEY, the demo key) for a tenant,
 * unless a key with that hash already exists there — also when it was revoked or has expired, so a
 * revocation sticks across restarts. Idempotent. Refuses a key another tenant already holds.
 */
export async function ensureProvisionedApiKey(
  db: Db,
  input: { tenantId: string; key: string; name: string; createdBy?: string | null },
): Promise<{ created: boolean; keyId: string; status: "valid" | "revoked" | "expired" }> {
  const found = await findApiKey(db, input.key);
  if (found.status !== "unknown") {
    if (found.tenantId !== input.tenantId) {
      throw new Error(`the API key "${input.name}" is already registered for another organization; choose another key`);
    }
    return { created: false, keyId: found.keyId, status: found.status };
  }
  const { apiKey } = await createApiKey(db, {
    tenantId: input.tenantId,
    name: input.name,
    createdBy: input.createdBy ?? null,
    key: input.key,
  });
  await recordAudit(db, {
    tenantId: input.tenantId,
    type: auditTypes.apiKeyCreated,
    actor: { type: "system", name: "provisioning" },
    target: { type: "api_key", id: apiKey.id, name: apiKey.name },
    metadata: { prefix: apiKey.prefix },
  });
  return { created: true, keyId: apiKey.id, status: "valid" };
}
