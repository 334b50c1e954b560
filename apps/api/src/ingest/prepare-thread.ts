// An ingest thread: prepares `POST /v1/events` bodies (prepareBody) sent by the API's event loop
// (prepare-pool.ts), one at a time, and sends each outcome back. Bundled on its own as
// dist/bin/prepare-thread.mjs (scripts/build-servers.ts).
import { parentPort } from "node:worker_threads";
import { runToEnd } from "./ingest-events";
import { type BodyTask, prepareBody } from "./prepare-body";

const port = parentPort;
if (!port) throw new Error("prepare-thread runs as a worker thread of the API");
port.on("message", (message: { id: number; task: BodyTask }) => {
  try {
    port.postMessage({ id: message.id, outcome: runToEnd(prepareBody(message.task)) });
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).stack ?? String(error) });
  }
});
