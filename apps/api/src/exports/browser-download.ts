import type { Db } from "@logbook/db/client";
import { getExport } from "@logbook/db/queries/exports";
import { exportAuditTypes } from "@logbook/shared/exports";
import type { Context, Hono } from "hono";
import { verifyDownloadToken } from "./export-links";
import { exportDownload } from "./export-download";
import type { ExportsService } from "./exports-service";

const refusals = {
  malformed: "This download link is not valid.",
  forged: "This download link is not valid.",
  wrong_export: "This download link is for another export.",
  expired: "This download link has expired; start the download again from the Exports page.",
} as const;

/**
 * GET /api/exports/:id/download?token=… — the browser's download through a short-lived signed link
 * (trpc exports.downloadLink): the link alone authorises, bound to the tenant and export it names;
 * 403 when expired, forged or for another export or organization.
 */
export function mountBrowserDownload(
  app: Hono,
  deps: { db: Db; exports: ExportsService; clientIp: (c: Context) => string | null },
) {
  app.get("/api/exports/:id/download", async (c) => {
    const id = c.req.param("id");
    const token = c.req.query("token");
    if (!token) return c.json({ error: { code: "missing_token", message: "This download link is not valid." } }, 403);
    const check = verifyDownloadToken(deps.exports.linkSecret, token, id);
    if (!check.ok) return c.json({ error: { code: `link_${check.reason}`, message: refusals[check.reason] } }, 403);
    const row = await getExport(deps.db, { tenantId: check.tenantId, id });
    if (!row) return c.json({ error: { code: "not_found", message: "No such export." } }, 404);
    const answer = await exportDownload(deps.exports.store, row, c.req.header("range"));
    if (!answer.ok) return c.json({ error: { code: answer.code, message: answer.message } }, answer.status, answer.headers);
    if (answer.whole) {
      await deps.exports.audit({
        tenantId: check.tenantId,
        type: exportAuditTypes.downloaded,
        actor: { id: check.userId, type: "user" },
        ip: deps.clientIp(c),
        exportId: id,
        metadata: { via: "browser", size_bytes: row.sizeBytes },
      });
    }
    return answer.response;
  });
}
