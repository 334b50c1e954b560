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
  close(): Promise<void>;
}

interface Pending {
  task: BodyTask;
  resolve: (outcome: BodyOutcome) => void;
  reject: (error: Error) => void;
}

/** The thread's script: the bundle's sibling in production, the TypeScript source through tsx otherwise. */
function startThread(): Worker {
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

/**
 * Moves the CPU work of big ingest bodies (JSON parsing, schema validation, redaction, encoding the rows)
 * off the event loop onto `threads` worker threads, started on first use: with 4 clients sending
 * 500-event batches the loop was busy 85–93 % of the time, and every request's next step (its key
 * lookup, its rate-limit count, its commit) queued behind that work. Each thread prepares one body at a
 * time, oldest first. A thread that dies fails its body's request (500) and is replaced on next use.
 * `threads` 0: everything on the event loop.
 */
export function createBodyPreparer(options: { threads: number; inlineBelowBytes?: number }): BodyPreparer {
  const inlineBelow = options.inlineBelowBytes ?? INLINE_BELOW_BYTES;
  const slots: { worker: Worker | null; busy: Pending | null }[] = Array.from({ length: options.threads }, () => ({
    worker: null,
    busy: null,
  }));
  const waiting: Pending[] = [];
  let nextId = 0;
  let closed = false;

  const dispatch = () => {
    for (const slot of slots) {
      if (waiting.length === 0 || closed) return;
      if (slot.busy) continue;
      const pending = waiting.shift()!;
      slot.busy = pending;
      if (!slot.worker) slot.worker = spawn(slot);
      const body = pending.task.body;
      // The body's bytes move to the thread when the buffer is its own (not a slice of a shared pool).
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      slot.worker.postMessage({ id: nextId++, task: pending.task }, own ? [body.buffer as ArrayBuffer] : []);
    }
  };

  const spawn = (slot: (typeof slots)[number]): Worker => {
    const worker = startThread();
    worker.unref();
    const fail = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const pending = slot.busy;
      slot.busy = null;
      pending?.reject(error);
      dispatch();
    };
    worker.on("message", (message: { outcome?: BodyOutcome; error?: string }) => {
      const pending = slot.busy;
      slot.busy = null;
      if (message.error !== undefined) pending?.reject(new Error(`ingest thread: ${message.error}`));
      else pending?.resolve(message.outcome!);
      dispatch();
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`ingest thread exited (code ${code})`)));
    return worker;
  };

  return {
    prepare(task) {
      if (slots.length === 0 || task.body.byteLength < inlineBelow) return runSliced(prepareBody(task));
      if (closed) return Promise.reject(new Error("ingest threads closed"));
      return new Promise<BodyOutcome>((resolve, reject) => {
        waiting.push({ task, resolve, reject });
        dispatch();
      });
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
