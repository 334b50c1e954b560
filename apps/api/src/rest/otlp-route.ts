import type { IngestGate } from "../ingest/ingest-gate";
import type { Db } from "@logbook/db/client";
import { createRedactor } from "@logbook/shared/privacy";
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ingestEvents } from "../ingest/ingest-events";
import { type OtlpFormat, otlpFormat, readOtlpBody } from "../ingest/otlp-body";
import { parseLogsJson } from "../ingest/otlp-json";
import { otlpToEvent } from "../ingest/otlp-map";
import { decodeLogsRequest, encodeLogsResponse, encodeStatus } from "../ingest/otlp-proto";
import { type OtlpEntry, OtlpError } from "../ingest/otlp-types";
import { BodyError, MAX_EVENTS_PER_REQUEST } from "../ingest/read-body";
import { problem } from "./problem";
import type { ApiKeyVars } from "./api-key-auth";

const PROTOBUF = "application/x-protobuf";
/** google.rpc.Code INVALID_ARGUMENT, the status of an OTLP request that cannot be processed. */
const INVALID_ARGUMENT = 3;
const MAX_REASONS = 5;

function fail(c: Context, format: OtlpFormat, status: ContentfulStatusCode, code: string, message: string, details = {}) {
  if (format === "protobuf") {
    return c.body(encodeStatus(INVALID_ARGUMENT, message) as Uint8Array<ArrayBuffer>, status, { "content-type": PROTOBUF });
  }
  return problem(c, status, code, message, details);
}

/**
 * POST /v1/logs: OTLP/HTTP logs (ExportLogsServiceRequest in JSON or protobuf, optionally gzipped), so
 * a stock OpenTelemetry logs exporter with the API key in its headers sends to Logbook unchanged. Each
 * log record becomes a Logbook event (see otlp-map.ts) and goes through the same validation,
 * redaction, idempotency and classification hand-off as POST /v1/events. The answer follows the OTLP
 * spec: 200 with an empty response, or with `partialSuccess` counting the rejected records.
 */
export function mountOtlpRoute(
  v1: Hono<{ Variables: ApiKeyVars }>,
  deps: { db: Db; gate?: IngestGate; onUnlabelled?: (tenantId: string, eventIds: string[]) => Promise<void> },
) {
  v1.post("/logs", async (c) => {
    const format = otlpFormat(c.req.header("content-type"));
    if (!format) {
      return problem(
        c,
        415,
        "unsupported_media_type",
        `Content-Type ${c.req.header("content-type")} is not supported; use application/json or application/x-protobuf.`,
      );
    }
    let entries: OtlpEntry[];
    try {
      const bytes = await readOtlpBody(c.req.raw);
      entries = format === "protobuf" ? decodeLogsRequest(bytes) : parseLogsJson(new TextDecoder().decode(bytes));
    } catch (error) {
      if (error instanceof BodyError) return fail(c, format, error.status, error.code, error.message, error.details);
      if (error instanceof OtlpError) {
        return fail(c, format, 400, "malformed_otlp", `Not a valid OTLP ExportLogsServiceRequest: ${error.message}`);
      }
      throw error;
    }
    if (entries.length > MAX_EVENTS_PER_REQUEST) {
      return fail(c, format, 413, "too_many_events", `A request may carry at most ${MAX_EVENTS_PER_REQUEST} log records.`, {
        limit_events: MAX_EVENTS_PER_REQUEST,
      });
    }

    let rejected = 0;
    const reasons: string[] = [];
    if (entries.length > 0) {
      const now = Date.now();
      const { tenantId } = c.get("apiKey");
      const result = await ingestEvents(deps, {
        tenantId,
        events: entries.map((entry) => otlpToEvent(entry, now)),
        redactor: createRedactor(c.get("settings").privacy),
      });
      rejected = result.rejected;
      for (const outcome of result.results) {
        if (outcome.status !== "rejected" || reasons.length >= MAX_REASONS) continue;
        const why = outcome.errors.map((e) => `${e.path} ${e.message}`).join(", ");
        reasons.push(`${entries[outcome.index]!.position}: ${why}`);
      }
    }
    const message = rejected
      ? `${rejected} of ${entries.length} log records rejected: ${reasons.join("; ")}${rejected > reasons.length ? "; …" : ""}`
      : "";
    if (format === "protobuf") {
      return c.body(encodeLogsResponse(rejected, message) as Uint8Array<ArrayBuffer>, 200, { "content-type": PROTOBUF });
    }
    // int64 fields are decimal strings in OTLP/JSON.
    return c.json(rejected ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message } } : {}, 200);
  });
}
