import type { Db } from "@logbook/db/client";
import { eventPageBoundary, listEventJsonLines } from "@logbook/db/queries/list-events-filtered";
import type { EventFilter } from "@logbook/shared/filters";

/** Rows per page while streaming: larger than a listing page, still a few MB of text. */
export const JSONL_PAGE_SIZE = 2500;
/** Pages Postgres renders at once (each on its own connection): rendering JSON is the bottleneck. */
export const JSONL_PARALLEL_PAGES = 2;

export interface JsonlStreamInput {
  tenantId: string;
  filter: EventFilter;
  secret: string;
  canReadContent: boolean;
  log: (line: string) => void;
  /** Rows per page (default JSONL_PAGE_SIZE). */
  pageSize?: number;
}

interface Page {
  text: string;
  count: number;
}

/**
 * Every event matching the filter as JSON Lines, one event per line. The first page is read before the
 * stream exists, so a rejected cursor (EventCursorError) can still be answered with a 400. After it,
 * a cheap index walk finds where each next page ends, so JSONL_PARALLEL_PAGES pages render at once;
 * they are sent in order, and at most that many pages plus the one being written are held, so memory
 * stays constant however many rows follow. An error after the first page errors the stream (the status
 * is already sent).
 */
export async function eventsJsonlStream(db: Db, input: JsonlStreamInput): Promise<ReadableStream<Uint8Array>> {
  const { tenantId, secret, canReadContent, log } = input;
  // One instant for every page, so a relative period covers the same range from start to end.
  const now = new Date();
  const pageSize = input.pageSize ?? JSONL_PAGE_SIZE;
  const base = { tenantId, secret, now, canReadContent, pageSize };

  const first = await listEventJsonLines(db, { ...base, filter: input.filter });
  let cursor = first.nextCursor;
  let rows = first.count;
  let cancelled = false;
  const inflight: Promise<Page>[] = first.count > 0 ? [Promise.resolve(first)] : [];

  /** Starts rendering pages until JSONL_PARALLEL_PAGES are in flight or the end is known. */
  async function fill() {
    while (cursor !== null && !cancelled && inflight.length < JSONL_PARALLEL_PAGES) {
      const filter = { ...input.filter, cursor };
      const boundary = await eventPageBoundary(db, { ...base, filter });
      if (boundary) {
        inflight.push(listEventJsonLines(db, { ...base, filter, until: boundary.until }));
        cursor = boundary.nextCursor;
      } else {
        // Fewer than a page remain: the last one.
        inflight.push(listEventJsonLines(db, { ...base, filter }));
        cursor = null;
      }
    }
  }

  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            await fill();
            const next = inflight.shift();
            if (!next) return controller.close();
            // Keep JSONL_PARALLEL_PAGES rendering while this one is awaited and written.
            await fill();
            const page = await next;
            if (cancelled) return;
            rows += page === first ? 0 : page.count;
            // Each line is one event already rendered as JSON by Postgres.
            if (page.count > 0) return controller.enqueue(encoder.encode(`${page.text}\n`));
          }
        } catch (error) {
          if (cancelled) return;
          log(`jsonl stream of tenant ${tenantId} failed after ${rows} rows: ${(error as Error).stack ?? error}`);
          controller.error(error);
        }
      },
      cancel() {
        cancelled = true;
        cursor = null;
        for (const page of inflight.splice(0)) page.catch(() => {});
      },
    },
    // Pages wait in `inflight`, not in the stream's queue.
    { highWaterMark: 0 },
  );
}
