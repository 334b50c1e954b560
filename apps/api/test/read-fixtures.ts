import { expect } from "vitest";
import { type App, BASE_URL } from "./helpers";
import { type IngestResponse, postEvents } from "./ingest-fixtures";

export interface EventJson {
  id: string;
  kind: string;
  type: string;
  occurred_at: string;
  client_id: string | null;
  metadata: Record<string, unknown> | null;
  [key: string]: unknown;
}
export interface ListBody {
  data: EventJson[];
  next_cursor: string | null;
}
export interface ProblemBody {
  error: { code: string; message: string; param?: string; reason?: string; errors?: { param: string; message: string }[] };
}

/** GET `path` (under /v1) with `key`; `query` is appended as is (deep-object keys unescaped for readability). */
export function getV1(app: App, key: string, path: string, headers: Record<string, string> = {}) {
  return app.request(`${BASE_URL}/v1${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
}

/** One JSON page of GET /v1/events, failing loudly unless 200. */
export async function listPage(app: App, key: string, query: string): Promise<ListBody> {
  const res = await getV1(app, key, `/events?${query}`);
  if (res.status !== 200) throw new Error(`GET /v1/events?${query}: ${res.status} ${await res.text()}`);
  return (await res.json()) as ListBody;
}

/** Every page of GET /v1/events for `query` (from `start` when given), following next_cursor. */
export async function listAll(app: App, key: string, query: string, start: string | null = null): Promise<EventJson[]> {
  const all: EventJson[] = [];
  let cursor = start;
  do {
    const q = cursor ? `${query}&cursor=${encodeURIComponent(cursor)}` : query;
    const page = await listPage(app, key, q);
    all.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

/** A 400 naming `param`; returns the body for further checks. */
export async function expectInvalid(res: Response, param: string): Promise<ProblemBody> {
  const body = (await res.json()) as ProblemBody;
  expect({ status: res.status, code: body.error.code, param: body.error.param }).toEqual({
    status: 400,
    code: "invalid_parameter",
    param,
  });
  expect(body.error.errors?.some((e) => e.param === param)).toBe(true);
  return body;
}

/** Ingests `events` (≤ 1,000) and returns the stored ids by client id. */
export async function ingest(app: App, key: string, events: Record<string, unknown>[]): Promise<Map<string, string>> {
  const res = await postEvents(app, key, { events });
  const body = (await res.json()) as IngestResponse;
  if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  const ids = new Map<string, string>();
  for (const r of body.results) if (r.status !== "rejected" && r.client_id) ids.set(r.client_id, r.id);
  return ids;
}

/** JSON Lines → parsed objects (every line must parse; a trailing newline ends the last). */
export function parseJsonl(text: string): EventJson[] {
  if (text === "") return [];
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as EventJson);
}
