import {
  type EventFilter,
  type EventFilterInput,
  eventFilterSchema,
  metadataOps,
  parseDeepObjectQuery,
  type QueryParamError,
} from "@logbook/shared/filters";

/**
 * The URL of a log view is its state. The query string uses exactly the parameter names of the REST
 * API GET /v1/events (parsed by parseDeepObjectQuery in @logbook/shared/filters: snake_case names,
 * deep-object notation for metadata and token ranges), plus `event=<eventId>` for the selected event:
 *
 *   /o/<orgId>/logs/interactions?period=7d&model=a&model=b&session_id=s1&metadata[customer][plan]=pro&event=<id>
 *
 * Defaults (period 24h, order desc) are left out; paging (`limit`, `cursor`) never appears.
 */

import { isLogView, type LogView, lastLogView, logViews, rememberLogView } from "./log-views";

export { isLogView, type LogView, lastLogView, logViews, rememberLogView };

/** The filter a log view's URL holds: everything but paging. */
export type LogFilter = Omit<EventFilter, "limit" | "cursor">;

/** The parameter that selects an event; not a filter. */
export const EVENT_PARAM = "event";

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parameter order in the URL (stable, so equal filters give equal URLs). */
const listFields = [
  "kind",
  "type",
  "status",
  "ip",
  "toolName",
  "actorId",
  "targetName",
  "targetVersion",
  "element",
  "sessionId",
  "interactionId",
  "conversationId",
  "personId",
  "traceId",
  "model",
  "agent",
  "source",
  "platform",
  "protocol",
  "occurredIn",
  "productArea",
  "tier",
  "responseType",
  "intent",
  "sentiment",
] as const satisfies readonly (keyof EventFilterInput)[];
const tokenFields = ["inputTokens", "outputTokens", "totalTokens", "durationMs"] as const;

/** A metadata key segment the deep-object notation can carry. */
const representable = (segment: string) => segment !== "" && !/[[\]]/.test(segment);

/** The REST query parameters for `filter` (no leading `?`), defaults left out. */
export function filterToSearchParams(filter: Partial<EventFilterInput>): URLSearchParams {
  const params = new URLSearchParams();
  const period = filter.period;
  if (period !== undefined && period !== "24h") {
    if (typeof period === "string") params.append("period", period);
    else {
      params.append("from", period.from);
      params.append("to", period.to);
    }
  }
  for (const field of listFields) {
    for (const value of asArray(filter[field] as string | string[] | undefined)) params.append(snake(field), value);
  }
  if (filter.actor !== undefined && filter.actor !== "") params.append("actor", filter.actor);
  if (filter.isError !== undefined) params.append("is_error", String(filter.isError));
  for (const field of tokenFields) {
    const range = filter[field];
    if (range?.gte !== undefined) params.append(`${snake(field)}[gte]`, String(range.gte));
    if (range?.lte !== undefined) params.append(`${snake(field)}[lte]`, String(range.lte));
  }
  for (const condition of filter.metadata ?? []) {
    if (!condition.path.every(representable)) continue;
    const op = condition.op ?? "eq";
    const key = `metadata${condition.path.map((s) => `[${s}]`).join("")}`;
    const last = condition.path[condition.path.length - 1]!;
    // A key whose last segment is an operator name needs the explicit [eq] to stay a key.
    const needsOp = op !== "eq" || (metadataOps as readonly string[]).includes(last);
    if (op === "exists") params.append(`${key}[exists]`, String(condition.value ?? true));
    else if (condition.value !== undefined) params.append(needsOp ? `${key}[${op}]` : key, String(condition.value));
  }
  if (filter.search !== undefined && filter.search.trim() !== "") params.append("search", filter.search);
  if (filter.order === "asc") params.append("order", "asc");
  return params;
}

/** `?a=b&…` for a filter and selected event, or "" when there is nothing to say. */
export function logSearchString(filter: Partial<EventFilterInput>, eventId?: string): string {
  const params = filterToSearchParams(filter);
  if (eventId) params.append(EVENT_PARAM, eventId);
  const text = params.toString().replace(/%5B/g, "[").replace(/%5D/g, "]");
  return text === "" ? "" : `?${text}`;
}

/** The absolute path of a log view, e.g. `/o/<orgId>/logs/interactions?period=7d&model=gpt-4o`. */
export function logViewHref(orgId: string, view: LogView, filter: Partial<EventFilterInput>, eventId?: string): string {
  // The view decides the kind of event listed; a `kind` in the filter would contradict it.
  const { kind: _kind, ...rest } = filter;
  return `/o/${encodeURIComponent(orgId)}/logs/${view}${logSearchString(rest, eventId)}`;
}

export interface ParsedLogSearch {
  filter: LogFilter;
  eventId: string | undefined;
  /** Parameters that were ignored, each with why (empty when the URL was fine). */
  errors: QueryParamError[];
}

const ignoredParams = [EVENT_PARAM, "limit", "cursor"];

/**
 * A log view's query string → its filter and selected event. Never throws: a parameter the REST
 * parser refuses is dropped (and reported in `errors`), the rest still applies.
 */
export function parseLogSearch(search: string | URLSearchParams): ParsedLogSearch {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    params = new URLSearchParams();
  }
  const eventId = params.get(EVENT_PARAM)?.trim() || undefined;
  const errors: QueryParamError[] = [];
  for (const name of ["limit", "cursor"]) {
    if (params.has(name)) errors.push({ param: name, message: "is not used by the log views" });
  }
  // Drop what the parser refuses and parse again; a handful of rounds covers any URL.
  for (let round = 0; round < 8; round++) {
    let parsed: ReturnType<typeof parseDeepObjectQuery>;
    try {
      parsed = parseDeepObjectQuery(params, { ignore: ignoredParams });
    } catch (error) {
      errors.push({ param: "query", message: error instanceof Error ? error.message : "could not be read" });
      break;
    }
    if (parsed.ok) return { filter: stripPaging(parsed.filter), eventId, errors };
    errors.push(...parsed.errors);
    const next = new URLSearchParams();
    const bad = new Set(parsed.errors.map((e) => e.param));
    const dropAll = bad.has("query");
    for (const [key, value] of params) {
      if (dropAll && !ignoredParams.includes(key)) continue;
      if (bad.has(key) || bad.has(key.replace(/\[[^\]]*\]$/, ""))) continue;
      if ((bad.has("period") || bad.has("from") || bad.has("to")) && ["period", "from", "to"].includes(key)) continue;
      next.append(key, value);
    }
    if (next.toString() === params.toString()) break;
    params = next;
  }
  return { filter: defaultLogFilter(), eventId, errors };
}

function stripPaging({ limit: _limit, cursor: _cursor, ...filter }: EventFilter): LogFilter {
  return filter;
}

/** The filter of a log view with nothing set: last 24 hours, newest first. */
export function defaultLogFilter(): LogFilter {
  return stripPaging(eventFilterSchema.parse({}));
}
