import type { Db } from "@logbook/db/client";
import type { Hono } from "hono";
import { retentionSummary } from "../retention/retention-summary";
import type { ApiKeyVars } from "./api-key-auth";

/** GET /v1/retention: the key's workspace's plan, retention per kind and the oldest events still kept. */
export function mountRetentionRoute(v1: Hono<{ Variables: ApiKeyVars }>, deps: { db: Db }) {
  v1.get("/retention", async (c) => {
    const s = await retentionSummary(deps.db, c.get("apiKey").tenantId);
    return c.json({
      data: {
        plan: s.plan.id,
        plan_name: s.plan.name,
        retention_days: s.days,
        plan_retention_days: s.planDays,
        overridden: s.overridden,
        legal_hold: s.legalHold,
        cutoffs: s.cutoffs,
        oldest_event: s.oldestEvent,
        oldest_event_at: s.oldestEventAt,
        export_file_days: s.exportFileDays,
      },
    });
  });
}
