import { Readable } from "node:stream";
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
  lines.on("error", (error) => {
    log(`jsonl stream of tenant ${tenantId} failed: ${error.stack ?? error}`);
  });
  return Readable.toWeb(lines) as ReadableStream<Uint8Array>;
}
