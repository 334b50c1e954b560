// Baseline of the event store: rows/s of insertEvents (tenant-scoped transaction, RLS, guard
// triggers, partition routing) for demo-like events in batches of 500, median of 5 runs.
import { insertEvents } from "@logbook/db/queries/events";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { demoEvents } from "@logbook/db/seed/demo-events";
import { benchDatabase, median } from "./_services";

export async function run() {
  const db = await benchDatabase("store_insert");
  try {
    const people = [{ id: "u1", name: "Bench User", email: "bench@example.com" }];
    const now = new Date();
    await ensurePartitions(db.db, new Date(now.getTime() - 15 * 86_400_000), now);
    const rates: number[] = [];
    for (let runNo = 0; runNo < 5; runNo++) {
      const events = demoEvents(people, { now, seed: runNo + 1 });
      const started = performance.now();
      for (let i = 0; i < events.length; i += 500) {
        await insertEvents(db.db, { tenantId: `bench_${runNo}`, events: events.slice(i, i + 500) });
      }
      const seconds = (performance.now() - started) / 1000;
      rates.push(events.length / seconds);
      console.log(
        `run ${runNo + 1}: ${events.length} events in ${seconds.toFixed(2)} s = ${Math.round(events.length / seconds)} events/s`,
      );
    }
    const eventsPerS = Math.round(median(rates));
    console.log(`median: ${eventsPerS} events/s`);
    return { store_insert_events_per_s: eventsPerS };
  } finally {
    await db.stopAll();
  }
}
