import { schema } from "@logbook/db/client";
import { type ApiKeyView, createApiKey, listApiKeys, revokeApiKey } from "@logbook/db/queries/api-keys";
import { recordAudit } from "@logbook/db/queries/audit";
import { auditTypes } from "@logbook/shared/events";
import { TRPCError } from "@trpc/server";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { router, tenantProcedure } from "../trpc";

export type ApiKeyStatus = "active" | "expired" | "revoked";

export function apiKeyStatus(key: Pick<ApiKeyView, "revokedAt" | "expiresAt">, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now) return "expired";
  return "active";
}

const withStatus = (key: ApiKeyView) => ({ ...key, status: apiKeyStatus(key) });

/** Owners and admins manage the organization's API keys; a key's secret is returned once, by create. */
export const apiKeysRouter = router({
  /** The organization's keys, newest first, with who created them; never a secret or a hash. */
  list: tenantProcedure("apiKeys:manage").query(async ({ ctx }) => {
    const keys = await listApiKeys(ctx.db, { tenantId: ctx.tenant.tenantId });
    const creatorIds = [...new Set(keys.map((k) => k.createdBy).filter((id): id is string => id != null))];
    const creators = creatorIds.length
      ? await ctx.db
          .select({ id: schema.user.id, name: schema.user.name, email: schema.user.email })
          .from(schema.user)
          .where(inArray(schema.user.id, creatorIds))
      : [];
    const nameOf = new Map(creators.map((u) => [u.id, u.name || u.email]));
    return keys.map((k) => ({ ...withStatus(k), createdByName: k.createdBy ? (nameOf.get(k.createdBy) ?? null) : null }));
  }),

  create: tenantProcedure("apiKeys:manage")
    .input(
      z.object({
        name: z.string().trim().min(1, "Name is required").max(80, "Name must be at most 80 characters"),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
      const { key, apiKey } = await createApiKey(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        name: input.name,
        createdBy: ctx.user.id,
        expiresAt,
      });
      await recordAudit(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        type: auditTypes.apiKeyCreated,
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        target: { type: "api_key", id: apiKey.id, name: apiKey.name },
        ip: ctx.ip,
        metadata: { prefix: apiKey.prefix, expiresAt: apiKey.expiresAt?.toISOString() ?? null },
      });
      return { key, apiKey: withStatus(apiKey) };
    }),

  /** Revokes a key at once (the next request with it gets 403). Revoking a revoked key changes nothing. */
  revoke: tenantProcedure("apiKeys:manage")
    .input(z.object({ id: z.uuid({ message: "id must be an API key id" }) }))
    .mutation(async ({ ctx, input }) => {
      const { tenantId } = ctx.tenant;
      const existing = (await listApiKeys(ctx.db, { tenantId })).find((k) => k.id === input.id);
      if (!existing) throw new TRPCError({ code: "NOT_FOUND", message: "No such API key in this organization" });
      if (existing.revokedAt) return withStatus(existing);
      const revoked = await revokeApiKey(ctx.db, { tenantId, id: input.id, revokedBy: ctx.user.id });
      if (!revoked) throw new TRPCError({ code: "NOT_FOUND", message: "No such API key in this organization" });
      await recordAudit(ctx.db, {
        tenantId,
        type: auditTypes.apiKeyRevoked,
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        target: { type: "api_key", id: revoked.id, name: revoked.name },
        ip: ctx.ip,
        metadata: { prefix: revoked.prefix },
      });
      return withStatus(revoked);
    }),
});
