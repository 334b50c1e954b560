import { describe, expect, it } from "vitest";
import { ingestEvents, prepareBatch, VALIDATE_SLICE } from "../src/ingest/ingest-events";
import { createIngestGate, type IngestGate, SMALL_BATCH } from "../src/ingest/ingest-gate";
import { prepareBody } from "../src/ingest/prepare-body";
import { activity } from "./ingest-fixtures";

/** A job that runs until released, recording when it started. */
function job(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return {
    fn: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    release,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("ingest gate", () => {
  it("runs at most `concurrency` batches, smallest waiting first", async () => {
    const gate = createIngestGate(1);
    const log: string[] = [];
    const a = job(log, "a");
    const b = job(log, "b");
    const c = job(log, "c");
    const runs = [gate.run(250, a.fn), gate.run(250, b.fn), gate.run(200, c.fn)];
    await tick();
    expect(log).toEqual(["start a"]);
    a.release();
    await tick();
    await tick();
    expect(log).toEqual(["start a", "end a", "start c"]);
    c.release();
    await tick();
    await tick();
    b.release();
    await Promise.all(runs);
    expect(log).toEqual(["start a", "end a", "start c", "end c", "start b", "end b"]);
  });

  it("starts a small batch at once in its own lane while big ones hold every slot", async () => {
    const gate = createIngestGate(1);
    const log: string[] = [];
    const big = job(log, "big");
    const big2 = job(log, "big2");
    const small = job(log, "small");
    const small2 = job(log, "small2");
    const runs = [gate.run(250, big.fn), gate.run(250, big2.fn)];
    await tick();
    runs.push(gate.run(SMALL_BATCH, small.fn), gate.run(10, small2.fn));
    await tick();
    // The lane takes one small batch; the other waits.
    expect(log).toEqual(["start big", "start small"]);
    expect(gate.pending).toBe(2);
    small.release();
    await tick();
    await tick();
    expect(log).toEqual(["start big", "start small", "end small", "start small2"]);
    small2.release();
    big.release();
    await tick();
    await tick();
    big2.release();
    await Promise.all(runs);
    expect(log.filter((l) => l.startsWith("start"))).toEqual(["start big", "start small", "start small2", "start big2"]);
  });
});

describe("ingest validation", () => {
  it("validates a big batch in slices, letting other requests' steps run in between", async () => {
    const events = Array.from({ length: 1000 }, (_, i) => activity({ id: `slice_${i}` }));
    // A gate standing in for the store: this test is about the event loop, not the database.
    const gate = {
      run: async (size: number) => Array.from({ length: size }, (_, i) => ({ id: `e${i}`, duplicate: false })),
      pending: 0,
    } as unknown as IngestGate;
    let turns = 0;
    let stop = false;
    const spin = () => {
      if (stop) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const result = await ingestEvents({ db: null as never, gate }, { tenantId: "t_slices", events, redactor: null });
    stop = true;
    expect(result.accepted).toBe(1000);
    // One turn of the loop at least between consecutive slices; all in one go would leave none.
    expect(turns).toBeGreaterThanOrEqual(1000 / VALIDATE_SLICE - 1);
  });

  it("validates a small batch in one slice, with no turn of the loop in its middle", () => {
    const countPauses = (work: Generator<void, unknown>) => {
      let count = 0;
      while (!work.next().done) count++;
      return count;
    };
    const events = (n: number) => Array.from({ length: n }, (_, i) => activity({ id: `pause_${n}_${i}` }));
    const pauses = (n: number) => countPauses(prepareBatch(events(n), { now: Date.now(), redactor: null }));
    // A whole body (prepareBody): nor between parsing it and validating its events.
    const bodyPauses = (n: number) =>
      countPauses(
        prepareBody({
          body: new TextEncoder().encode(JSON.stringify({ events: events(n) })),
          contentType: "application/json",
          privacy: {},
          now: Date.now(),
        }),
      );
    expect(pauses(SMALL_BATCH)).toBe(0);
    expect(bodyPauses(SMALL_BATCH)).toBe(0);
    expect(pauses(SMALL_BATCH + 1)).toBe(1);
    expect(bodyPauses(SMALL_BATCH + 1)).toBe(2);
    // 1,000 events: 10 slices, then 4 store chunks of 250 (a pause before each but the first).
    expect(pauses(1000)).toBe(1000 / VALIDATE_SLICE - 1 + 3);
  });
});
