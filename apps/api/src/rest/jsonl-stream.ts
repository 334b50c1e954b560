import type { Db } from "@logbook/db/client";
import { listEventJsonLines } from "@logbook/db/queries/list-events-filtered";
import type { EventFilter } from "@logbook/shared/filters";

/** Rows fetched per query while streaming: larger than a listing page, still constant memory. */
export const JSONL_PAGE_SIZE = 5000;

export interface JsonlStreamInput {
  tenantId: string;
  filter: EventFilter;
  secret: string;
  canReadContent: boolean;
  log: (line: string) => void;
  /** Rows per query (default JSONL_PAGE_SIZE). */
  pageSize?: number;
}

/**
 * Every event matching the filter as JSON Lines, one event per line, page by page. The first page is
 * read before the stream exists, so a rejected cursor (EventCursorError) can still be answered with a
 * 400; after that at most one page is read ahead of the consumer, so memory stays at two pages however
 * many rows follow. An error after the first page errors the stream (the status is already sent).
 */
export async function eventsJsonlStream(db: Db, input: JsonlStreamInput): Promise<ReadableStream<Uint8Array>> {
  const { tenantId, secret, canReadContent, log } = input;
  // One instant for every page, so a relative period covers the same range from start to end.
  const now = new Date();
  const filter: EventFilter = input.filter;
  const readPage = async (cursor: string | undefined) => {
    const page = await listEventJsonLines(db, {
      tenantId,
      filter: { ...filter, cursor },
      secret,
      now,
      canReadContent,
      pageSize: input.pageSize ?? JSONL_PAGE_SIZE,
    });
    return page;
  };

  const encoder = new TextEncoder();
  // The page's lines, each one event already rendered as JSON by Postgres.
  const encode = (text: string) => encoder.encode(`${text}\n`);

  const first = await readPage(filter.cursor);
  let pending: Uint8Array | null = first.count > 0 ? encode(first.text) : null;
  let cursor = first.nextCursor;
  let rows = first.count;
  let cancelled = false;

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (pending) {
            controller.enqueue(pending);
            pending = null;
            if (cursor === null) controller.close();
            return;
          }
          if (cursor === null) return controller.close();
          const page = await readPage(cursor);
          if (cancelled) return;
          cursor = page.nextCursor;
          rows += page.count;
          if (page.count > 0) controller.enqueue(encode(page.text));
          if (cursor === null) controller.close();
        } catch (error) {
          if (cancelled) return;
          log(`jsonl stream of tenant ${tenantId} failed after ${rows} rows: ${(error as Error).stack ?? error}`);
          controller.error(error);
        }
      },
      cancel() {
        cancelled = true;
        cursor = null;
        pending = null;
      },
    },
    // One page read ahead while the consumer takes the current one, never more: memory stays at two pages.
    { highWaterMark: 1 },
  );
}
