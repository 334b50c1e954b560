import { recordAudit } from "@logbook/db/queries/audit";
import {
  createExportSchedule,
  deleteExportSchedule,
  listExportSchedules,
  updateExportSchedule,
} from "@logbook/db/queries/export-schedules";
import { cancelExport, getExport, listExports } from "@logbook/db/queries/exports";
import { exportScheduleCreateSchema, exportScheduleUpdateSchema } from "@logbook/shared/export-schedule";
import { exportAuditTypes, exportRequestSchema, exportStatuses } from "@logbook/shared/exports";
import { contentAccess } from "@logbook/shared/permissions";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { signDownloadToken } from "../../exports/export-links";
import { exportView, scheduleView } from "../../exports/export-view";
import { mayDownload } from "../../exports/exports-service";
import { router, tenantProcedure } from "../trpc";

/**
 * Exports for the web UI: create from the current filters (content as the role may read it), list
 * with progress, cancel, short-lived signed download links; schedules for owners and admins.
 * Creating, downloading and changing schedules are written to the audit trail.
 */

const orgId = z.string().min(1, "orgId is required");
const exportId = z.uuid({ message: "id must be an export id" });
const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such export in this organization." });

export const exportsRouter = router({
  create: tenantProcedure("exports:create")
    .input(exportRequestSchema.extend({ orgId }))
    .mutation(async ({ ctx, input }) => {
      const { orgId: _orgId, ...request } = input;
      const row = await ctx.exports.create({
        tenantId: ctx.tenant.tenantId,
        request,
        contentAccess: contentAccess(ctx.tenant.role),
        createdVia: "ui",
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        ip: ctx.ip,
      });
      return exportView(row);
    }),

  /** The organization's exports, newest first, with progress; optionally one schedule's runs or some states. */
  list: tenantProcedure("exports:download")
    .input(
      z.object({
        orgId,
        scheduleId: z.uuid().optional(),
        status: z.array(z.enum(exportStatuses)).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await listExports(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        scheduleId: input.scheduleId,
        status: input.status,
        limit: input.limit,
      });
      return rows.map(exportView);
    }),

  get: tenantProcedure("exports:download")
    .input(z.object({ orgId, id: exportId }))
    .query(async ({ ctx, input }) => {
      const row = await getExport(ctx.db, { tenantId: ctx.tenant.tenantId, id: input.id });
      if (!row) throw notFound();
      return exportView(row);
    }),

  cancel: tenantProcedure("exports:create")
    .input(z.object({ orgId, id: exportId }))
    .mutation(async ({ ctx, input }) => {
      const row = await cancelExport(ctx.db, { tenantId: ctx.tenant.tenantId, id: input.id });
      if (!row) throw notFound();
      await ctx.exports.audit({
        tenantId: ctx.tenant.tenantId,
        type: exportAuditTypes.cancelled,
        actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
        ip: ctx.ip,
        exportId: row.id,
      });
      return exportView(row);
    }),

  /** A link the browser can download the file from for five minutes (bound to this organization and export). */
  downloadLink: tenantProcedure("exports:download")
    .input(z.object({ orgId, id: exportId }))
    .mutation(async ({ ctx, input }) => {
      const row = await getExport(ctx.db, { tenantId: ctx.tenant.tenantId, id: input.id });
      if (!row) throw notFound();
      if (row.status !== "ready") {
        throw new TRPCError({ code: "CONFLICT", message: `This export is ${row.status}; only ready exports can be downloaded.` });
      }
      if (!mayDownload(row, contentAccess(ctx.tenant.role))) {
        throw new TRPCError({ code: "FORBIDDEN", message: "This export carries content your role may only read redacted." });
      }
      const { token, expiresAt } = signDownloadToken(ctx.exports.linkSecret, {
        tenantId: ctx.tenant.tenantId,
        exportId: row.id,
        userId: ctx.user.id,
      });
      return {
        url: `/api/exports/${row.id}/download?token=${encodeURIComponent(token)}`,
        expiresAt: expiresAt.toISOString(),
      };
    }),

  schedules: router({
    list: tenantProcedure("exports:download")
      .input(z.object({ orgId }))
      .query(async ({ ctx }) =>
        (await listExportSchedules(ctx.db, { tenantId: ctx.tenant.tenantId })).map((s) => scheduleView(s)),
      ),

    /** Creates a schedule; the answer carries the webhook secret, shown this once. */
    create: tenantProcedure("schedules:manage")
      .input(exportScheduleCreateSchema.extend({ orgId }))
      .mutation(async ({ ctx, input }) => {
        const { orgId: _orgId, ...schedule } = input;
        const row = await createExportSchedule(ctx.db, { tenantId: ctx.tenant.tenantId, schedule, createdBy: ctx.user.id });
        await recordAudit(ctx.db, {
          tenantId: ctx.tenant.tenantId,
          type: exportAuditTypes.scheduleCreated,
          actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
          ip: ctx.ip,
          target: { type: "export_schedule", id: row.id, name: row.name },
          metadata: { frequency: row.frequency, time_of_day: row.timeOfDay, time_zone: row.timeZone, webhook: !!row.webhookUrl },
        });
        return scheduleView(row, { withSecret: true });
      }),

    update: tenantProcedure("schedules:manage")
      .input(z.object({ orgId, id: z.uuid({ message: "id must be a schedule id" }), changes: exportScheduleUpdateSchema }))
      .mutation(async ({ ctx, input }) => {
        const row = await updateExportSchedule(ctx.db, { tenantId: ctx.tenant.tenantId, id: input.id, changes: input.changes });
        if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such schedule in this organization." });
        await recordAudit(ctx.db, {
          tenantId: ctx.tenant.tenantId,
          type: exportAuditTypes.scheduleUpdated,
          actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
          ip: ctx.ip,
          target: { type: "export_schedule", id: row.id, name: row.name },
          metadata: { changed: Object.keys(input.changes) },
        });
        return scheduleView(row);
      }),

    delete: tenantProcedure("schedules:manage")
      .input(z.object({ orgId, id: z.uuid({ message: "id must be a schedule id" }) }))
      .mutation(async ({ ctx, input }) => {
        const deleted = await deleteExportSchedule(ctx.db, { tenantId: ctx.tenant.tenantId, id: input.id });
        if (!deleted) throw new TRPCError({ code: "NOT_FOUND", message: "No such schedule in this organization." });
        await recordAudit(ctx.db, {
          tenantId: ctx.tenant.tenantId,
          type: exportAuditTypes.scheduleDeleted,
          actor: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
          ip: ctx.ip,
          target: { type: "export_schedule", id: input.id },
        });
        return { deleted: true };
      }),
  }),
});
