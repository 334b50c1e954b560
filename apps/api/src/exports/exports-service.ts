import type { Db } from "@logbook/db/client";
import { recordAudit, type AuditActor } from "@logbook/db/queries/audit";
import { createExport } from "@logbook/db/queries/exports";
import type { ExportRow } from "@logbook/db/schema";
import { contentColumns, exportAuditTypes, type ExportRequest } from "@logbook/shared/exports";
import { EXPORTS_QUEUE, type RunExportPayload, runExportJobOptions } from "@logbook/shared/jobs/exports";
import type { ExportStore } from "@logbook/shared/node/export-store";
import type { ContentAccess } from "@logbook/shared/permissions";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * What tRPC and REST share about exports: creating one (stored, handed to the worker's queue,
 * audited), the file store downloads read from, and the key of browser download links.
 */
export interface ExportsService {
  store: ExportStore;
  linkSecret: string;
  create(input: {
    tenantId: string;
    request: ExportRequest;
    contentAccess: ContentAccess;
    createdVia: "ui" | "api";
    actor: AuditActor;
    ip?: string | null;
  }): Promise<ExportRow>;
  /** Queues an export job (the job id is the export id: a second call is a no-op). */
  enqueue(tenantId: string, exportId: string): Promise<void>;
  audit(input: {
    tenantId: string;
    type: string;
    actor: AuditActor;
    ip?: string | null;
    exportId: string;
    metadata?: Record<string, unknown>;
  }): Promise<void>;
  close(): Promise<void>;
}

/** Whether a caller with `access` may download `e`: a file with full content is not for redacted readers. */
export function mayDownload(e: Pick<ExportRow, "columns" | "contentAccess">, access: ContentAccess): boolean {
  const hasContent = e.columns.some((c) => contentColumns.includes(c));
  if (!hasContent || e.contentAccess === "none") return true;
  if (e.contentAccess === "full") return access === "full";
  return access !== "none";
}

export function createExportsService(deps: {
  db: Db;
  store: ExportStore;
  connection: Redis;
  prefix: string;
  linkSecret: string;
  log: (line: string) => void;
}): ExportsService {
  const queue = new Queue<RunExportPayload>(EXPORTS_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  const enqueue = async (tenantId: string, exportId: string) => {
    try {
      await queue.add(EXPORTS_QUEUE, { tenantId, exportId }, runExportJobOptions(exportId));
    } catch (error) {
      // The export stays queued in Postgres; the worker's scheduler tick re-queues stranded exports.
      deps.log(`export ${exportId} not handed to the queue: ${(error as Error).message}`);
    }
  };
  const audit: ExportsService["audit"] = async (input) => {
    await recordAudit(deps.db, {
      tenantId: input.tenantId,
      type: input.type,
      actor: input.actor,
      ip: input.ip ?? null,
      target: { type: "export", id: input.exportId },
      metadata: input.metadata,
    });
  };
  return {
    store: deps.store,
    linkSecret: deps.linkSecret,
    enqueue,
    audit,
    async create(input) {
      const row = await createExport(deps.db, {
        tenantId: input.tenantId,
        request: input.request,
        contentAccess: input.contentAccess,
        createdVia: input.createdVia,
        createdBy: input.actor.id ?? null,
      });
      await enqueue(input.tenantId, row.id);
      await audit({
        tenantId: input.tenantId,
        type: exportAuditTypes.created,
        actor: input.actor,
        ip: input.ip,
        exportId: row.id,
        metadata: {
          format: row.format,
          gzip: row.gzip,
          period_from: row.periodFrom.toISOString(),
          period_to: row.periodTo.toISOString(),
          columns: row.columns,
        },
      });
      return row;
    },
    close: () => queue.close(),
  };
}
