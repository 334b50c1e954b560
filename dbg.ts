import { createDb } from "@logbook/db/client";
import { listEventsFiltered } from "@logbook/db/queries/list-events-filtered";
import { eventFilterSchema } from "@logbook/shared/filters";
import { toSnakeEvent } from "./apps/api/src/rest/event-json";
const { db, close } = createDb(process.argv[2]!);
for (const limit of [500, 1000]) {
  const filter = eventFilterSchema.parse({ period: "30d", limit });
  let cursor: string | undefined; let tq = 0, te = 0, n = 0;
  for (let p = 0; p < 20; p++) {
    let t = performance.now();
    const page = await listEventsFiltered(db, { tenantId: "tenant_big", filter: { ...filter, cursor }, secret: "bench-cursor-secret-0123456789", canReadContent: true });
    tq += performance.now() - t; t = performance.now();
    page.items.map((i) => JSON.stringify(toSnakeEvent(i))).join("\n");
    te += performance.now() - t; n += page.items.length; cursor = page.nextCursor ?? undefined;
  }
  console.log(limit, "query", (tq / n * 1000).toFixed(1), "µs/row; encode", (te / n * 1000).toFixed(1), "µs/row");
}
await close();
