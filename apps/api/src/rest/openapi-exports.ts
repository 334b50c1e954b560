import { exportColumns, exportStatuses } from "@logbook/shared/exports";

/** The exports part of the OpenAPI document: /v1/exports, /v1/exports/{id}, …/download, …/cancel. */

const errorRef = { $ref: "#/components/schemas/Error" };
const error = (code: string, message: string) => ({
  description: message,
  content: { "application/json": { schema: errorRef, example: { error: { code, message } } } },
});
const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const exportRef = { $ref: "#/components/schemas/Export" };
const one = { "application/json": { schema: { type: "object", properties: { data: exportRef } } } };

export const exportSchema = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    schedule_id: { type: "string", format: "uuid", nullable: true },
    status: { type: "string", enum: [...exportStatuses] },
    format: { type: "string", enum: ["csv", "jsonl"] },
    gzip: { type: "boolean" },
    columns: { type: "array", items: { type: "string", enum: [...exportColumns] } },
    filter: { type: "object", description: "The filter model, period resolved to { from, to }" },
    period_from: { type: "string", format: "date-time" },
    period_to: { type: "string", format: "date-time" },
    rows_done: { type: "integer" },
    rows_estimate: { type: "integer", nullable: true },
    size_bytes: { type: "integer", nullable: true },
    sha256: { type: "string", nullable: true, description: "Hex SHA-256 of the file as downloaded" },
    error: { type: "string", nullable: true },
    content: { type: "string", enum: ["full", "redacted", "none"] },
    created_via: { type: "string", enum: ["ui", "api", "schedule"] },
    created_at: { type: "string", format: "date-time" },
    started_at: { type: "string", format: "date-time", nullable: true },
    finished_at: { type: "string", format: "date-time", nullable: true },
    expires_at: { type: "string", format: "date-time", nullable: true },
  },
};

export const exportPaths = {
  "/v1/exports": {
    post: {
      summary: "Start an export",
      description:
        "Streams the matching events (oldest first) to a CSV (RFC 4180, UTF-8 with BOM, formula cells prefixed with ') or JSON Lines file in the background. " +
        "Filters as `query` — the query string GET /v1/events takes — or as `filter` in the filter model. A relative period is resolved now.",
      requestBody: {
        content: {
          "application/json": {
            schema: {
              type: "object",
              additionalProperties: false,
              properties: {
                query: { type: "string", example: "kind=interaction&period=7d" },
                filter: { type: "object" },
                format: { type: "string", enum: ["csv", "jsonl"], default: "csv" },
                gzip: { type: "boolean", default: false },
                columns: { type: "array", items: { type: "string", enum: [...exportColumns] } },
              },
            },
          },
        },
      },
      responses: {
        "202": { description: "Queued", content: one },
        "400": error("invalid_parameter", "columns.1 must be one of …"),
      },
    },
    get: {
      summary: "List exports",
      parameters: [
        { name: "schedule_id", in: "query", schema: { type: "string", format: "uuid" } },
        { name: "status", in: "query", description: "Comma list", schema: { type: "string" }, example: "ready" },
        {
          name: "from",
          in: "query",
          description: "Exports whose period ends after",
          schema: { type: "string", format: "date-time" },
        },
        {
          name: "to",
          in: "query",
          description: "Exports whose period starts before",
          schema: { type: "string", format: "date-time" },
        },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
      ],
      responses: {
        "200": {
          description: "Newest first",
          content: {
            "application/json": { schema: { type: "object", properties: { data: { type: "array", items: exportRef } } } },
          },
        },
        "400": error("invalid_parameter", "status must be one or more of …"),
      },
    },
  },
  "/v1/exports/{id}": {
    get: {
      summary: "One export",
      parameters: [idParameter],
      responses: {
        "200": { description: "The export", content: one },
        "404": error("not_found", "No export with this id in your workspace."),
      },
    },
  },
  "/v1/exports/{id}/cancel": {
    post: {
      summary: "Cancel an export",
      parameters: [idParameter],
      responses: { "200": { description: "The export after the request", content: one } },
    },
  },
  "/v1/exports/{id}/download": {
    get: {
      summary: "Download an export's file",
      description:
        "Streamed. One `Range: bytes=…` is answered with 206. `X-Checksum-SHA256` (hex) and `Repr-Digest` carry the SHA-256 of the whole file.",
      parameters: [idParameter, { name: "Range", in: "header", schema: { type: "string" }, example: "bytes=0-1048575" }],
      responses: {
        "200": { description: "The file (text/csv, application/x-ndjson or application/gzip)" },
        "206": { description: "The requested range" },
        "409": error("not_ready", "This export is running; only ready exports can be downloaded."),
        "410": error("expired", "This export's file has expired and was removed."),
        "416": error("range_not_satisfiable", "The file has 1234 bytes."),
      },
    },
  },
};
