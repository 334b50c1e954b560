import type { IngestGate } from "../ingest/ingest-gate";
import type { Db } from "@logbook/db/client";
import { createRedactor } from "@logbook/shared/privacy";
import type { Hono } from "hono";
import { setMetric } from "hono/timing";
import { ingestEvents, ingestStatus } from "../ingest/ingest-events";
import { BodyError, parseEvents, readBodyText } from "../ingest/read-body";
import { problem } from "./problem";
import type { ApiKeyVars } from "./api-key-auth";

/** POST /v1/events: one event, `{ "events": [...] }`, or NDJSON; outcomes per event in request order. */
export function mountEventsRoute(
  v1: Hono<{ Variables: ApiKeyVars }>,
  deps: { db: Db; gate?: IngestGate; onUnlabelled?: (tenantId: string, eventIds: string[]) => Promise<void> },
) {
  v1.post("/events", async (c) => {
    let events: unknown[];
    let mayContainNul = true;
    const started = performance.now();
    try {
      const text = await readBodyText(c.req.raw);
      // JSON can only carry a NUL as the escape \u0000: without one, no string needs the NUL check.
      mayContainNul = text.includes("\\u0000");
      events = parseEvents(text, c.req.header("content-type"));
    } catch (error) {
      if (error instanceof BodyError) return problem(c, error.status, error.code, error.message, error.details);
      throw error;
    }
    setMetric(c, "body", performance.now() - started);
    const { tenantId } = c.get("apiKey");
    const result = await ingestEvents(deps, {
      tenantId,
      events,
      redactor: createRedactor(c.get("settings").privacy),
      mayContainNul,
      timing: (name, ms) => setMetric(c, name, ms),
    });
    return c.json(result, ingestStatus(result));
  });
}
