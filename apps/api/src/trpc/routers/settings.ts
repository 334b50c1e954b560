import { recordAudit } from "@logbook/db/queries/audit";
import { getTenantSettings, savePrivacySettings } from "@logbook/db/queries/tenant-settings";
import { auditTypes } from "@logbook/shared/events";
import { type PrivacySettings, privacySettingsSchema } from "@logbook/shared/privacy";
import { z } from "zod";
import { router, tenantProcedure } from "../trpc";

/** Stored settings completed with defaults; a stored value that no longer validates reads as the defaults. */
function withDefaults(stored: Partial<PrivacySettings>): PrivacySettings {
  const parsed = privacySettingsSchema.safeParse(stored);
  return parsed.success ? parsed.data : privacySettingsSchema.parse({});
}

/**
 * Organization settings (owners and admins). Privacy: what ingestion redacts before anything is
 * stored; a change applies to the next ingest request and is an audit-trail event.
 */
export const settingsRouter = router({
  getPrivacy: tenantProcedure("settings:manage").query(async ({ ctx }) => {
    const { privacy } = await getTenantSettings(ctx.db, { tenantId: ctx.tenant.tenantId });
    return withDefaults(privacy);
  }),

  /** Replaces the privacy settings; an invalid custom pattern fails with BAD_REQUEST naming `customPatterns.N`. */
  updatePrivacy: tenantProcedure("settings:manage")
    // Each input parser sees the whole input; the strict settings schema must allow the orgId.
    .input(privacySettingsSchema.extend({ orgId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { tenantId } = ctx.tenant;
      const { orgId: _orgId, ...privacy } = input;
      await savePrivacySettings(ctx.db, { tenantId, privacy, updatedBy: ctx.user.id });
      await recordAudit(ctx.db, {
        tenantId,
        type: auditTypes.privacyUpdated,
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        target: { type: "privacy_settings", id: tenantId, name: "Privacy settings" },
        ip: ctx.ip,
        metadata: { ...privacy },
      });
      return privacy;
    }),
});
