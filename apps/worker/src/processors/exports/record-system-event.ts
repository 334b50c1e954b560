import type { Db } from "@logbook/db/client";
import { insertEvents } from "@logbook/db/queries/events";

/** A `system` event in the tenant's log, written by Logbook itself (export finished, webhook delivered …). */
export async function recordSystemEvent(
  db: Db,
  input: { tenantId: string; type: string; status: "success" | "failure"; targetId: string; metadata: Record<string, unknown> },
): Promise<void> {
  await insertEvents(db, {
    tenantId: input.tenantId,
    events: [
      {
        kind: "system",
        type: input.type,
        occurredAt: new Date().toISOString(),
        status: input.status,
        source: "logbook",
        actorType: "system",
        targetType: "export",
        targetId: input.targetId,
        metadata: input.metadata,
      },
    ],
  });
}
