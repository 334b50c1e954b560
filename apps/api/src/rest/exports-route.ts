import type { Db } from "@logbook/db/client";
import { cancelExport, getExport, listExports } from "@logbook/db/queries/exports";
import { exportAuditTypes, exportFilterSchema, exportRequestSchema, exportStatuses } from "@logbook/shared/exports";
import { parseDeepObjectQuery } from "@logbook/shared/filters";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { exportDownload } from "../exports/export-download";
import { exportJson } from "../exports/export-view";
import type { ExportsService } from "../exports/exports-service";
import { problem } from "./problem";
import type { ApiKeyVars } from "./api-key-auth";

export interface ExportsRouteDeps {
  db: Db;
  exports: ExportsService;
}

type V1Context = Context<{ Variables: ApiKeyVars }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Body of POST /v1/exports: the filters either as `query` — the query string GET /v1/events takes
 * (`kind=interaction&period=7d&metadata[plan]=pro`) — or as `filter` in the filter model; format,
 * gzip and columns as in the web UI.
 */
const postBody = z.strictObject({
  query: z.string().max(8000).optional(),
  filter: exportFilterSchema.optional(),
  format: exportRequestSchema.shape.format,
  gzip: exportRequestSchema.shape.gzip,
  columns: exportRequestSchema.shape.columns,
});

const listQuery = z.strictObject({
  schedule_id: z.uuid({ message: "must be a schedule id" }).optional(),
  status: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.enum(exportStatuses, { error: `must be one or more of ${exportStatuses.join(", ")}` })))
    .optional(),
  from: z.iso.datetime({ offset: true, message: "must be an ISO 8601 timestamp with a zone" }).optional(),
  to: z.iso.datetime({ offset: true, message: "must be an ISO 8601 timestamp with a zone" }).optional(),
  limit: z.coerce.number().int().min(1, "must be between 1 and 200").max(200, "must be between 1 and 200").default(50),
});

function invalid(c: V1Context, error: z.ZodError, prefix = "") {
  const errors = error.issues.map((i) => ({ param: `${prefix}${i.path.join(".")}` || "body", message: i.message }));
  const [first] = errors;
  return problem(c, 400, "invalid_parameter", `${first?.param} ${first?.message}`, { param: first?.param, errors });
}

/**
 * POST /v1/exports, GET /v1/exports (filter by schedule, status, period), GET /v1/exports/:id,
 * GET /v1/exports/:id/download (streamed, Range, SHA-256), POST /v1/exports/:id/cancel. An API key
 * reads content like its tenant's owners.
 */
export function mountExportsRoute(v1: Hono<{ Variables: ApiKeyVars }>, deps: ExportsRouteDeps) {
  const actorOf = (c: V1Context) => {
    const key = c.get("apiKey");
    return { id: key.keyId, name: key.prefix, type: "api_key" as const };
  };
  const notFound = (c: V1Context) => problem(c, 404, "not_found", "No export with this id in your workspace.");

  v1.post("/exports", async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return problem(c, 400, "invalid_json", "The body must be a JSON object.");
    }
    const body = postBody.safeParse(raw ?? {});
    if (!body.success) return invalid(c, body.error);
    if (body.data.query !== undefined && body.data.filter !== undefined) {
      return problem(c, 400, "invalid_parameter", "query and filter: give one of them", { param: "query" });
    }
    let filter = body.data.filter ?? exportFilterSchema.parse({});
    if (body.data.query !== undefined) {
      const parsed = parseDeepObjectQuery(new URLSearchParams(body.data.query), { ignore: [] });
      if (!parsed.ok) {
        const [first] = parsed.errors;
        return problem(c, 400, "invalid_parameter", `query: ${first?.param} ${first?.message}`, {
          param: `query.${first?.param}`,
          errors: parsed.errors,
        });
      }
      const { cursor: _cursor, limit: _limit, order: _order, ...rest } = parsed.filter;
      filter = rest;
    }
    const { tenantId } = c.get("apiKey");
    const row = await deps.exports.create({
      tenantId,
      request: { filter, format: body.data.format, gzip: body.data.gzip, columns: body.data.columns },
      contentAccess: "full",
      createdVia: "api",
      actor: actorOf(c),
    });
    return c.json({ data: exportJson(row) }, 202);
  });

  v1.get("/exports", async (c) => {
    const query = listQuery.safeParse(c.req.query());
    if (!query.success) return invalid(c, query.error);
    const rows = await listExports(deps.db, {
      tenantId: c.get("apiKey").tenantId,
      scheduleId: query.data.schedule_id,
      status: query.data.status,
      from: query.data.from ? new Date(query.data.from) : undefined,
      to: query.data.to ? new Date(query.data.to) : undefined,
      limit: query.data.limit,
    });
    return c.json({ data: rows.map(exportJson) });
  });

  v1.get("/exports/:id", async (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return notFound(c);
    const row = await getExport(deps.db, { tenantId: c.get("apiKey").tenantId, id });
    return row ? c.json({ data: exportJson(row) }) : notFound(c);
  });

  v1.post("/exports/:id/cancel", async (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return notFound(c);
    const { tenantId } = c.get("apiKey");
    const row = await cancelExport(deps.db, { tenantId, id });
    if (!row) return notFound(c);
    await deps.exports.audit({ tenantId, type: exportAuditTypes.cancelled, actor: actorOf(c), exportId: id });
    return c.json({ data: exportJson(row) });
  });

  v1.get("/exports/:id/download", async (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return notFound(c);
    const { tenantId } = c.get("apiKey");
    const row = await getExport(deps.db, { tenantId, id });
    if (!row) return notFound(c);
    const answer = await exportDownload(deps.exports.store, row, c.req.header("range"));
    if (!answer.ok) return problem(c, answer.status, answer.code, answer.message, {}, answer.headers);
    // One audit entry per download, not per resumed range.
    if (answer.whole) {
      await deps.exports.audit({
        tenantId,
        type: exportAuditTypes.downloaded,
        actor: actorOf(c),
        exportId: id,
        metadata: { via: "api", size_bytes: row.sizeBytes },
      });
    }
    return answer.response;
  });
}
