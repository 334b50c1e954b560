import { schema } from "@logbook/db/client";
import { listOperatorAudit, listPlatformTenants } from "@logbook/db/queries/platform-tenants";
import {
  assignTenantPlan,
  getTenantRetention,
  listPlans,
  setLegalHold,
  setRetentionOverride,
  tenantsOnPlan,
  updatePlanRetention,
} from "@logbook/db/queries/retention-settings";
import { PLATFORM_TENANT } from "@logbook/shared/events";
import { plans } from "@logbook/shared/plans";
import { retentionAuditTypes, retentionDaysSchema, retentionOverrideSchema } from "@logbook/shared/retention";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { recordOperatorChange } from "../../retention/operator-audit";
import { operatorProcedure, router } from "../trpc";

const tenantInput = z.object({ tenantId: z.string().min(1, "tenantId is required") });

/**
 * Operators' view of the platform: tenants with plan, counts and storage (never log content), plans
 * and their retention, plan assignment, per-tenant overrides and legal hold. Every change is an
 * audit-trail event of the tenant(s) concerned and of the platform's own trail.
 */
export const platformRouter = router({
  tenants: operatorProcedure.query(({ ctx }) => listPlatformTenants(ctx.db)),

  plans: operatorProcedure.query(({ ctx }) => listPlans(ctx.db)),

  /** A plan's retention per kind; ≥ 1 day each, content ≤ interactions (BAD_REQUEST naming the field otherwise). */
  updatePlanRetention: operatorProcedure
    .input(z.object({ planId: z.enum(plans), retention: retentionDaysSchema }))
    .mutation(async ({ ctx, input }) => {
      const changed = await updatePlanRetention(ctx.db, { ...input, updatedBy: ctx.user.id });
      if (!changed) throw new TRPCError({ code: "NOT_FOUND", message: `No plan ${input.planId}` });
      await recordOperatorChange(ctx, {
        tenantIds: await tenantsOnPlan(ctx.db, { planId: input.planId }),
        type: retentionAuditTypes.planRetentionUpdated,
        target: { type: "plan", id: input.planId, name: changed.after.name },
        metadata: { plan: input.planId, before: changed.before.retention, after: changed.after.retention },
      });
      return changed.after;
    }),

  /** One tenant's plan, override and legal hold, and what is in effect. */
  tenantRetention: operatorProcedure.input(tenantInput).query(async ({ ctx, input }) => {
    await organizationName(ctx, input.tenantId);
    return getTenantRetention(ctx.db, { tenantId: input.tenantId });
  }),

  assignPlan: operatorProcedure
    .input(tenantInput.extend({ plan: z.enum(plans, { error: `plan must be one of ${plans.join(", ")}` }) }))
    .mutation(async ({ ctx, input }) => {
      const name = await organizationName(ctx, input.tenantId);
      const { previous } = await assignTenantPlan(ctx.db, { ...input, updatedBy: ctx.user.id });
      await recordOperatorChange(ctx, {
        tenantIds: [input.tenantId],
        type: retentionAuditTypes.planAssigned,
        target: { type: "organization", id: input.tenantId, name },
        metadata: { before: previous, after: input.plan },
      });
      return getTenantRetention(ctx.db, { tenantId: input.tenantId });
    }),

  /** Replaces the tenant's override; null fields follow the plan. */
  setOverride: operatorProcedure
    .input(tenantInput.extend({ override: retentionOverrideSchema }))
    .mutation(async ({ ctx, input }) => {
      const name = await organizationName(ctx, input.tenantId);
      const { previous } = await setRetentionOverride(ctx.db, { ...input, updatedBy: ctx.user.id });
      await recordOperatorChange(ctx, {
        tenantIds: [input.tenantId],
        type: retentionAuditTypes.overrideSet,
        target: { type: "organization", id: input.tenantId, name },
        metadata: { before: previous, after: input.override },
      });
      return getTenantRetention(ctx.db, { tenantId: input.tenantId });
    }),

  /** Legal hold: nothing of the tenant is deleted while it lasts. */
  setLegalHold: operatorProcedure
    .input(tenantInput.extend({ hold: z.boolean(), reason: z.string().trim().max(500).optional() }))
    .mutation(async ({ ctx, input }) => {
      const name = await organizationName(ctx, input.tenantId);
      await setLegalHold(ctx.db, { ...input, updatedBy: ctx.user.id });
      await recordOperatorChange(ctx, {
        tenantIds: [input.tenantId],
        type: input.hold ? retentionAuditTypes.legalHoldSet : retentionAuditTypes.legalHoldCleared,
        target: { type: "organization", id: input.tenantId, name },
        metadata: input.hold ? { reason: input.reason ?? null } : {},
      });
      return getTenantRetention(ctx.db, { tenantId: input.tenantId });
    }),

  /** Operators' recent retention changes (the platform's own trail). */
  auditTrail: operatorProcedure.query(({ ctx }) => listOperatorAudit(ctx.db, { tenantId: PLATFORM_TENANT, limit: 50 })),
});

async function organizationName(ctx: { db: import("@logbook/db/client").Db }, tenantId: string): Promise<string> {
  const [org] = await ctx.db
    .select({ name: schema.organization.name })
    .from(schema.organization)
    .where(eq(schema.organization.id, tenantId));
  if (!org) throw new TRPCError({ code: "NOT_FOUND", message: `No organization ${tenantId}` });
  return org.name;
}
