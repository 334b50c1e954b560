import { recordAudit } from "@logbook/db/queries/audit";
import { getClassificationSettings, saveClassificationSettings } from "@logbook/db/queries/classification";
import { type ClassificationRun, getClassificationRun, listClassificationRuns } from "@logbook/db/queries/classification-runs";
import {
  classificationSettingsSchema,
  DEFAULT_CONNECTOR_TOOLS,
  DEFAULT_RETRIEVAL_TOOLS,
  resolveToolSettings,
} from "@logbook/shared/jobs/classification";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { router, tenantProcedure } from "../trpc";

/**
 * Classification for owners and admins: which tool names count as retrieval or connector tools, and
 * reclassifying a period (after a model upgrade or a settings change) with its progress.
 */

const MAX_PERIOD_DAYS = 400;

function runView(run: ClassificationRun) {
  return {
    id: run.id,
    from: run.periodFrom.toISOString(),
    to: run.periodTo.toISOString(),
    status: run.status,
    done: run.done,
    changed: run.changed,
    total: run.totalEstimate,
    progress: run.status === "done" ? 1 : run.totalEstimate > 0 ? Math.min(1, run.done / run.totalEstimate) : 0,
    modelVersion: run.modelVersion,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export const classificationRouter = router({
  getSettings: tenantProcedure("settings:manage").query(async ({ ctx }) => {
    const stored = await getClassificationSettings(ctx.db, { tenantId: ctx.tenant.tenantId });
    return {
      ...resolveToolSettings(stored),
      defaults: { retrievalTools: DEFAULT_RETRIEVAL_TOOLS, connectorTools: DEFAULT_CONNECTOR_TOOLS },
    };
  }),

  /** Omitted lists fall back to the defaults. Applies to interactions labelled from now on; reclassify for the past. */
  updateSettings: tenantProcedure("settings:manage")
    .input(classificationSettingsSchema.extend({ orgId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { orgId: _orgId, ...settings } = input;
      const { tenantId } = ctx.tenant;
      await saveClassificationSettings(ctx.db, { tenantId, settings, updatedBy: ctx.user.id });
      await recordAudit(ctx.db, {
        tenantId,
        type: "classification.settings_updated",
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        target: { type: "classification_settings", id: tenantId, name: "Classification settings" },
        ip: ctx.ip,
        metadata: { ...settings },
      });
      return resolveToolSettings(settings);
    }),

  reclassify: tenantProcedure("settings:manage")
    .input(z.object({ orgId: z.string(), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }))
    .mutation(async ({ ctx, input }) => {
      const from = new Date(input.from);
      const to = new Date(input.to);
      if (!(from < to) || to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
        throw new TRPCError({ code: "BAD_REQUEST", message: `from must be before to, at most ${MAX_PERIOD_DAYS} days apart.` });
      }
      const { tenantId } = ctx.tenant;
      const run = await ctx.reclassify.start({ tenantId, from, to, createdBy: ctx.user.id });
      await recordAudit(ctx.db, {
        tenantId,
        type: "classification.reclassify_started",
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        target: { type: "classification_run", id: run.id },
        ip: ctx.ip,
        metadata: { from: input.from, to: input.to, interactions: run.totalEstimate },
      });
      return runView(run);
    }),

  runs: tenantProcedure("settings:manage").query(async ({ ctx }) =>
    (await listClassificationRuns(ctx.db, { tenantId: ctx.tenant.tenantId, limit: 20 })).map(runView),
  ),

  run: tenantProcedure("settings:manage")
    .input(z.object({ orgId: z.string(), id: z.uuid({ message: "id must be a run id" }) }))
    .query(async ({ ctx, input }) => {
      const run = await getClassificationRun(ctx.db, { tenantId: ctx.tenant.tenantId, id: input.id });
      if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such reclassify run in this organization." });
      return runView(run);
    }),
});
