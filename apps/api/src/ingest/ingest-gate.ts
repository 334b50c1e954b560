/**
 * Limits how many ingest transactions run at once (about one per Postgres core is fastest: more only
 * makes them fight for the CPU) and lets the smallest waiting batch go first, so a 100-event request is
 * not stuck behind a queue of 1,000-event ones.
 */
export function createIngestGate(concurrency: number) {
  let running = 0;
  const waiting: { size: number; seq: number; since: number; start: () => void }[] = [];
  let seq = 0;

  const next = () => {
    if (running >= concurrency || waiting.length === 0) return;
    // Smallest first, but a batch that has waited 250 ms goes before any newer one (no starvation).
    let best = 0;
    const old = Date.now() - 250;
    const oldest = waiting.reduce((o, w, i) => (w.since < waiting[o]!.since ? i : o), 0);
    if (waiting[oldest]!.since < old) best = oldest;
    else
      for (let i = 1; i < waiting.length; i++) {
        const w = waiting[i]!;
        const b = waiting[best]!;
        if (w.size < b.size || (w.size === b.size && w.seq < b.seq)) best = i;
      }
    const [chosen] = waiting.splice(best, 1);
    running++;
    chosen!.start();
  };

  return {
    async run<T>(size: number, fn: () => Promise<T>): Promise<T> {
      await new Promise<void>((start) => {
        waiting.push({ size, seq: seq++, since: Date.now(), start });
        next();
      });
      try {
        return await fn();
      } finally {
        running--;
        next();
      }
    },
    get pending() {
      return waiting.length;
    },
  };
}

export type IngestGate = ReturnType<typeof createIngestGate>;
