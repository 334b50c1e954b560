import type { Db } from "@logbook/db/client";
import { EventCursorError } from "@logbook/db/queries/event-cursor";
import { getEvent } from "@logbook/db/queries/get-event";
import { listEventsFiltered } from "@logbook/db/queries/list-events-filtered";
import { parseDeepObjectQuery, type QueryParamError } from "@logbook/shared/filters";
import type { Context, Hono } from "hono";
import { toSnakeEvent } from "./event-json";
import { eventsJsonlStream } from "./jsonl-stream";
import { problem } from "./problem";
import type { ApiKeyVars } from "./api-key-auth";

const NDJSON = "application/x-ndjson";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EventsReadDeps {
  db: Db;
  /** Signs the listing's keyset cursors. */
  cursorSecret: string;
  log: (line: string) => void;
}

/** 400 naming the (first) offending parameter, with every problem found listed in `errors`. */
function invalidParameters(c: Context, errors: QueryParamError[]) {
  const [first] = errors;
  const param = first?.param ?? "query";
  return problem(c, 400, "invalid_parameter", `${param} ${first?.message ?? "is invalid"}`, { param, errors });
}

/** JSON, or JSON Lines for `format=jsonl` or `Accept: application/x-ndjson`; a bad `format` is an error. */
function wantedFormat(c: Context): "json" | "jsonl" | QueryParamError {
  const formats = new URL(c.req.url).searchParams.getAll("format");
  if (formats.length > 1) return { param: "format", message: "must be given once" };
  const [format] = formats;
  if (format === "jsonl") return "jsonl";
  if (format === "json") return "json";
  if (format !== undefined) return { param: "format", message: "must be json or jsonl" };
  return (c.req.header("accept") ?? "").toLowerCase().includes(NDJSON) ? "jsonl" : "json";
}

/**
 * GET /v1/events (filtered listing: JSON pages with `next_cursor`, or every match as JSON Lines) and
 * GET /v1/events/:id (one event with its content). The tenant is the API key's; a tenant's own key
 * may search and read content.
 */
export function mountEventsReadRoute(v1: Hono<{ Variables: ApiKeyVars }>, deps: EventsReadDeps) {
  v1.get("/events", async (c) => {
    const format = wantedFormat(c);
    if (typeof format === "object") return invalidParameters(c, [format]);
    const parsed = parseDeepObjectQuery(new URL(c.req.url).searchParams, { ignore: ["format"] });
    if (!parsed.ok) return invalidParameters(c, parsed.errors);
    const { tenantId } = c.get("apiKey");
    const input = { tenantId, filter: parsed.filter, secret: deps.cursorSecret, canReadContent: true };

    try {
      if (format === "jsonl") {
        const stream = await eventsJsonlStream(deps.db, { ...input, log: deps.log });
        return c.body(stream, 200, { "content-type": NDJSON, "cache-control": "no-store" });
      }
      const page = await listEventsFiltered(deps.db, input);
      return c.json({ data: page.items.map(toSnakeEvent), next_cursor: page.nextCursor });
    } catch (error) {
      if (error instanceof EventCursorError) return rejectedCursor(c, error);
      throw error;
    }
  });

  v1.get("/events/:id", async (c) => {
    const id = c.req.param("id");
    const notFound = () => problem(c, 404, "not_found", "No event with this id in your workspace.");
    if (!UUID.test(id)) return notFound();
    const event = await getEvent(deps.db, { tenantId: c.get("apiKey").tenantId, id, contentAccess: "full" });
    if (!event) return notFound();
    const { content, contentRedacted: _redacted, ...item } = event;
    return c.json({
      data: { ...toSnakeEvent(item), content: content ? { question: content.question, answer: content.answer } : null },
    });
  });
}

function rejectedCursor(c: Context, error: EventCursorError) {
  return problem(c, 400, "invalid_parameter", error.message, {
    param: "cursor",
    reason: error.reason,
    errors: [{ param: "cursor", message: error.message.replace(/^cursor /, ""), reason: error.reason }],
  });
}
