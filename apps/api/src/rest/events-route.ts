import type { Hono } from "hono";
import { setMetric } from "hono/timing";
import { type IngestDeps, ingestStatus, storeBatch } from "../ingest/ingest-events";
import type { BodyPreparer } from "../ingest/prepare-pool";
import { BodyError, bodyFormat, readBodyBytes } from "../ingest/read-body";
import { problem } from "./problem";
import type { ApiKeyVars } from "./api-key-auth";

/** POST /v1/events: one event, `{ "events": [...] }`, or NDJSON; outcomes per event in request order. */
export function mountEventsRoute(v1: Hono<{ Variables: ApiKeyVars }>, deps: IngestDeps & { preparer: BodyPreparer }) {
  v1.post("/events", async (c) => {
    let body: Uint8Array;
    const started = performance.now();
    try {
      // An unsupported Content-Type is refused before the body is read or sent to a thread.
      bodyFormat(c.req.header("content-type"));
      body = await readBodyBytes(c.req.raw);
    } catch (error) {
      if (error instanceof BodyError) return problem(c, error.status, error.code, error.message, error.details);
      throw error;
    }
    setMetric(c, "body", performance.now() - started);
    // Parsing, validation, redaction and the rows' encoding: on an ingest thread for a big body.
    const prepareStarted = performance.now();
    const prepared = await deps.preparer.prepare({
      body,
      contentType: c.req.header("content-type"),
      privacy: c.get("settings").privacy,
      now: Date.now(),
    });
    if (!prepared.ok) {
      const { status, code, message, details } = prepared.error;
      return problem(c, status, code, message, details);
    }
    setMetric(c, "validate", performance.now() - prepareStarted);
    const { tenantId } = c.get("apiKey");
    const result = await storeBatch(deps, {
      tenantId,
      batch: prepared.batch,
      timing: (name, ms) => setMetric(c, name, ms),
    });
    return c.json(result, ingestStatus(result));
  });
}
