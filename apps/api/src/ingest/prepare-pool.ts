import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { runSliced } from "./ingest-events";
import { type BodyOutcome, type BodyTask, prepareBody } from "./prepare-body";

/**
 * Bodies smaller than this are prepared on the event loop (in slices). A 100-event body (~85 KB) takes a
 * few milliseconds there, less than waiting for a thread busy with a big one; bigger bodies go to a thread.
 */
export const INLINE_BELOW_BYTES = 128 * 1024;

/** Ingest threads by default (LOGBOOK_INGEST_THREADS). */
export const DEFAULT_INGEST_THREADS = 1;

export interface BodyPreparer {
  /** Parses, validates, redacts and encodes an ingest body: on the event loop if small, else on a thread. */
  prepare(task: BodyTask): Promise<BodyOutcome>;
  /** Starts the threads now rather than on the first big body (~150 ms of start-up off its answer). */
  warmUp(): void;
  close(): Promise<void>;
}

interface Pending {
  task: BodyTask;
  resolve: (outcome: BodyOutcome) => void;
  reject: (error: Error) => void;
}

/** The thread's script: the bundle's sibling in production, the TypeScript source through tsx otherwise. */
export function startPrepareThread(): Worker {
  if (import.meta.url.endsWith(".ts")) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");
    const script = new URL("./prepare-thread.ts", import.meta.url).href;
    return new Worker(
      `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`,
      { eval: true },
    );
  }
  return new Worker(new URL("./prepare-thread.mjs", import.meta.url));
}

/** Threads that die this many times in a row before answering once: big bodies go to the event loop. */
const MAX_FAILED_STARTS = 3;

/**
 * Moves the CPU work of big ingest bodies (JSON parsing, schema validation, redaction, encoding the rows)
 * off the event loop onto `threads` worker threads, started by warmUp() or on first use: with 4 clients sending
 * 500-event batches the loop was busy 85–93 % of the time, about half with the thread (no throughput
 * gained on 2 cores, where Postgres fills them: headroom for more cores and for the UI's requests
 * served by the same loop). Each thread prepares one body at a
 * time, oldest first. A thread that dies after answering before fails its body's request (500) and is
 * replaced on next use; one that dies before ever answering (it could not start) leaves its body to the
 * event loop, and after MAX_FAILED_STARTS of those, or when no thread can be created at all, every big
 * body is prepared on the loop, which is logged once. `threads` 0: everything on the loop.
 */
export function createBodyPreparer(options: {
  threads: number;
  inlineBelowBytes?: number;
  log?: (line: string) => void;
  /** Starts a thread (tests: one that fails). */
  startThread?: () => Worker;
}): BodyPreparer {
  const inlineBelow = options.inlineBelowBytes ?? INLINE_BELOW_BYTES;
  const slots: { worker: Worker | null; answered: boolean; busy: (Pending & { id: number }) | null }[] = Array.from(
    { length: options.threads },
    () => ({ worker: null, answered: false, busy: null }),
  );
  const waiting: Pending[] = [];
  let nextId = 0;
  let closed = false;
  let failedStarts = 0;
  let inlineOnly = slots.length === 0;

  const inline = (task: BodyTask) => runSliced(prepareBody(task));
  const giveUpThreads = (why: string) => {
    if (inlineOnly) return;
    inlineOnly = true;
    options.log?.(`ingest threads unavailable (${why}): big bodies are prepared on the event loop`);
    for (const p of waiting.splice(0)) inline(p.task).then(p.resolve, p.reject);
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (waiting.length === 0 || closed || inlineOnly) return;
      if (slot.busy) continue;
      const pending = waiting.shift()!;
      try {
        slot.worker ??= spawn(slot);
        const id = nextId++;
        // The body is copied, not transferred (a memcpy of at most 5 MB): it stays here for the event
        // loop to prepare should the thread turn out unable to start.
        slot.worker.postMessage({ id, task: pending.task });
        slot.busy = { ...pending, id };
        // Keeps the process alive while a body is on the thread, not while the thread idles.
        slot.worker.ref();
      } catch (error) {
        // The thread could not be created, or not be sent the body.
        void slot.worker?.terminate();
        slot.worker = null;
        inline(pending.task).then(pending.resolve, pending.reject);
        giveUpThreads((error as Error).message);
      }
    }
  };

  const spawn = (slot: (typeof slots)[number]): Worker => {
    const worker = (options.startThread ?? startPrepareThread)();
    slot.answered = false;
    worker.unref();
    const fail = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const pending = slot.busy;
      slot.busy = null;
      if (slot.answered) pending?.reject(error);
      else {
        if (pending) inline(pending.task).then(pending.resolve, pending.reject);
        if (++failedStarts >= MAX_FAILED_STARTS) giveUpThreads(error.message);
      }
      dispatch();
    };
    worker.on("message", (message: { id: number; outcome?: BodyOutcome; error?: string }) => {
      const pending = slot.busy;
      if (slot.worker !== worker || pending?.id !== message.id) return;
      slot.busy = null;
      slot.answered = true;
      worker.unref();
      failedStarts = 0;
      if (message.error !== undefined) pending.reject(new Error(`ingest thread: ${message.error}`));
      else pending.resolve(message.outcome!);
      dispatch();
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`ingest thread exited (code ${code})`)));
    return worker;
  };

  return {
    prepare(task) {
      if (inlineOnly || task.body.byteLength < inlineBelow) return inline(task);
      if (closed) return Promise.reject(new Error("ingest threads closed"));
      return new Promise<BodyOutcome>((resolve, reject) => {
        waiting.push({ task, resolve, reject });
        dispatch();
      });
    },
    warmUp() {
      for (const slot of slots) {
        if (closed || inlineOnly || slot.worker) continue;
        try {
          slot.worker = spawn(slot);
        } catch (error) {
          giveUpThreads((error as Error).message);
        }
      }
    },
    async close() {
      closed = true;
      for (const p of waiting.splice(0)) p.reject(new Error("ingest threads closed"));
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          slot.worker = null;
          slot.busy?.reject(new Error("ingest threads closed"));
          slot.busy = null;
          await worker?.terminate();
        }),
      );
    },
  };
}
