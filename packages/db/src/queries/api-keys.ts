import { createHash, randomBytes } from "node:crypto";
import { uuidv7 } from "@logbook/shared/ids";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys, tenantSettings } from "../schema/ingestion";
import { withTenant } from "../tenant";
import { settingsView, type TenantSettingsView } from "./tenant-settings";

export const API_KEY_PREFIX = "lb_";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new secret: `lb_` + 40 random base62-ish characters; the first 12 characters are its visible prefix. */
export function generateApiKey(): { key: string; prefix: string } {
  const secret = randomBytes(30).toString("base64url").replace(/[-_]/g, "x");
  const key = `${API_KEY_PREFIX}${secret}`;
  return { key, prefix: key.slice(0, 12) };
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const view = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

/**
 * Creates a key for a tenant and returns it once with its record; only its SHA-256 hash is stored.
 * `key` may be given (headless provisioning with LOGBOOK_INIT_API_KEY).
 */
export async function createApiKey(
  db: Db,
  input: { tenantId: string; name: string; createdBy?: string | null; expiresAt?: Date | null; key?: string },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const generated = input.key ? { key: input.key, prefix: input.key.slice(0, 12) } : generateApiKey();
  const [row] = await withTenant(db, input.tenantId, (tx) =>
    tx
      .insert(apiKeys)
      .values({
        tenantId: input.tenantId,
        id: uuidv7(),
        name: input.name,
        prefix: generated.prefix,
        keyHash: hashApiKey(generated.key),
        createdBy: input.createdBy ?? null,
        expiresAt: input.expiresAt ?? null,
      })
      .returning(view),
  );
  return { key: generated.key, apiKey: row! };
}

export async function listApiKeys(db: Db, input: { tenantId: string }): Promise<ApiKeyView[]> {
  return withTenant(db, input.tenantId, (tx) =>
    tx.select(view).from(apiKeys).where(eq(apiKeys.tenantId, input.tenantId)).orderBy(desc(apiKeys.createdAt)),
  );
}

/** Revokes a key at once; returns it, or null when the tenant has no such key. */
export async function revokeApiKey(
  db: Db,
  input: { tenantId: string; id: string; revokedBy?: string | null },
): Promise<ApiKeyView | null> {
  const [row] = await withTenant(db, input.tenantId, (tx) =>
    tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())`, revokedBy: input.revokedBy ?? null })
      .where(and(eq(apiKeys.tenantId, input.tenantId), eq(apiKeys.id, input.id)))
      .returning(view),
  );
  return row ?? null;
}

export type ApiKeyLookup =
  | { status: "valid"; tenantId: string; keyId: string; prefix: string }
  | { status: "unknown" }
  | { status: "revoked" | "expired"; tenantId: string; keyId: string };

/**
 * Authenticates a presented key by its hash, before any tenant is known (so outside withTenant).
 * Read on every request: a revocation takes effect at once.
 */
export async function findApiKey(db: Db, key: string): Promise<ApiKeyLookup> {
  const found = await findApiKeyWithSettings(db, key);
  return found.status === "valid"
    ? { status: "valid", tenantId: found.tenantId, keyId: found.keyId, prefix: found.prefix }
    : found;
}

/**
 * findApiKey and, for a valid key, its tenant's settings (plan, privacy) in the same query: what
 * every public API request needs before anything else, in one round trip. Both read fresh.
 */
export async function findApiKeyWithSettings(
  db: Db,
  key: string,
): Promise<
  Exclude<ApiKeyLookup, { status: "valid" }> | (Extract<ApiKeyLookup, { status: "valid" }> & { settings: TenantSettingsView })
> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return { status: "unknown" };
  const [row] = await db
    .select({
      tenantId: apiKeys.tenantId,
      id: apiKeys.id,
      prefix: apiKeys.prefix,
      revokedAt: apiKeys.revokedAt,
      expiresAt: apiKeys.expiresAt,
      plan: tenantSettings.plan,
      privacy: tenantSettings.privacy,
    })
    .from(apiKeys)
    .leftJoin(tenantSettings, eq(tenantSettings.tenantId, apiKeys.tenantId))
    .where(eq(apiKeys.keyHash, hashApiKey(key)))
    .limit(1);
  if (!row) return { status: "unknown" };
  if (row.revokedAt) return { status: "revoked", tenantId: row.tenantId, keyId: row.id };
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return { status: "expired", tenantId: row.tenantId, keyId: row.id };
  return { status: "valid", tenantId: row.tenantId, keyId: row.id, prefix: row.prefix, settings: settingsView(row) };
}

const lastTouched = new Map<string, number>();

/** Records a key's last use, at most once a minute per key and process (no write per request). */
export async function touchApiKey(db: Db, input: { tenantId: string; keyId: string }): Promise<void> {
  const now = Date.now();
  if (now - (lastTouched.get(input.keyId) ?? 0) < 60_000) return;
  lastTouched.set(input.keyId, now);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(and(eq(apiKeys.tenantId, input.tenantId), eq(apiKeys.id, input.keyId)));
}
