import type { Db } from "@logbook/db/client";
import { streamEventJsonLines } from "@logbook/db/queries/list-events-filtered";
import type { EventFilter } from "@logbook/shared/filters";

export interface JsonlStreamInput {
  tenantId: string;
  filter: EventFilter;
  secret: string;
  canReadContent: boolean;
  log: (line: string) => void;
}

/**
 * Every event matching the filter as JSON Lines, one event per line, streamed from Postgres (COPY) with
 * backpressure: constant memory however many rows follow. A rejected cursor (EventCursorError) is thrown
 * before the stream exists, so it can still be answered with a 400; an error later errors the stream
 * (the status is already sent) and is logged.
 */
export async function eventsJsonlStream(db: Db, input: JsonlStreamInput): Promise<ReadableStream<Uint8Array>> {
  const { tenantId, log } = input;
  const lines = await streamEventJsonLines(db, { ...input, now: new Date() });
  // Pulled one chunk at a time (backpressure) through the stream's async iterator. Not Readable.toWeb:
  // when the source failed after the reader had gone, it closed an already-closed controller and threw
  // an uncaught ERR_INVALID_STATE.
  const chunks = lines[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          log(`jsonl stream of tenant ${tenantId} failed: ${(error as Error).stack ?? error}`);
          controller.error(error);
        }
      },
      async cancel() {
        // Ends the iteration, which destroys the source and so ends the query.
        await chunks.return?.();
      },
    },
    // A few chunks read ahead: the response's writes and Postgres's reads overlap.
    { highWaterMark: 4 },
  );
}
