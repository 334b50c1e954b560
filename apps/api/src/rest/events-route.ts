import type { IngestGate } from "../ingest/ingest-gate";
import type { Db } from "@logbook/db/client";
import { createRedactor } from "@logbook/shared/privacy";
import type { Hono } from "hono";
import { ingestEvents, ingestStatus } from "../ingest/ingest-events";
import { BodyError, parseEvents, readBodyText } from "../ingest/read-body";
import { problem } from "./problem";
import type { SettingsVars } from "./tenant-settings";

/** POST /v1/events: one event, `{ "events": [...] }`, or NDJSON; outcomes per event in request order. */
export function mountEventsRoute(
  v1: Hono<{ Variables: SettingsVars }>,
  deps: { db: Db; gate?: IngestGate; onUnlabelled?: (tenantId: string, eventIds: string[]) => Promise<void> },
) {
  v1.post("/events", async (c) => {
    let events: unknown[];
    try {
      events = parseEvents(await readBodyText(c.req.raw), c.req.header("content-type"));
    } catch (error) {
      if (error instanceof BodyError) return problem(c, error.status, error.code, error.message, error.details);
      throw error;
    }
    const { tenantId } = c.get("apiKey");
    const result = await ingestEvents(deps, { tenantId, events, redactor: createRedactor(c.get("settings").privacy) });
    return c.json(result, ingestStatus(result));
  });
}
