import {
  type EventFilter,
  eventFilterSchema,
  exactFilterFields,
  type MetadataOp,
  metadataOps,
  numericMetadataOps,
  rangeFilterFields,
} from "./filter-model";

/**
 * REST query strings → the event filter model. Snake_case names, deep-object notation for metadata
 * and token ranges:
 *   kind=system&type=sync.*&type=alert.delivered   repeated keys or comma lists (not for names)
 *   metadata[customer][plan]=pro                    equality (compared as text)
 *   metadata[latency_ms][gte]=500                   gt/gte/lt/lte: the value must be a number
 *   metadata[customer][plan][exists]=true           exists=true|false
 *   period=7d  or  from=…&to=…                      is_error=true  input_tokens[gte]=100  duration_ms[lte]=5000
 *   limit, cursor, order, search
 * Every problem comes back as { param, message } naming the parameter as the caller wrote it.
 */

export interface QueryParamError {
  param: string;
  message: string;
}
export type ParsedFilterQuery = { ok: true; filter: EventFilter } | { ok: false; errors: QueryParamError[] };

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Free-text names may contain commas: repeat the parameter instead of using a comma list. */
const noCommaSplit = new Set(["targetName", "targetVersion", "element", "toolName"]);
const multiFields = new Map<string, string>(
  ["kind", "type", "protocol", "toolName", ...exactFilterFields].map((field) => [snake(field), field] as const),
);
const singleFields = new Map([
  ["actor", "actor"],
  ["search", "search"],
  ["cursor", "cursor"],
  ["order", "order"],
]);
const tokenFields = new Map<string, string>(rangeFilterFields.map((f) => [snake(f), f] as const));
const KEY = /^([a-z_]+)((?:\[[^[\]]*\])*)$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseDeepObjectQuery(
  searchParams: URLSearchParams,
  options: { ignore?: readonly string[] } = {},
): ParsedFilterQuery {
  const errors: QueryParamError[] = [];
  const fail = (param: string, message: string) => errors.push({ param, message });
  const grouped = new Map<string, string[]>();
  for (const [key, value] of searchParams) {
    if (options.ignore?.includes(key)) continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }

  const raw: Record<string, unknown> = {};
  const metadata: { path: string[]; op: MetadataOp; value?: string | number | boolean }[] = [];
  const metadataParams: string[] = [];
  const period: { preset?: string; from?: string; to?: string } = {};

  for (const [key, values] of grouped) {
    const match = KEY.exec(key);
    if (!match) {
      fail(key, "is not a valid parameter name (expected name or name[key]…)");
      continue;
    }
    const name = match[1]!;
    const segments = [...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
    const empty = values.some((v) => v.trim() === "");
    const isKnown = multiFields.has(name) || singleFields.has(name) || tokenFields.has(name);
    if (!isKnown && !["metadata", "period", "from", "to", "is_error", "limit"].includes(name)) {
      fail(key, "is not a known parameter");
      continue;
    }
    if (name === "metadata") {
      parseMetadata(key, segments, values, metadata, metadataParams, fail);
      continue;
    }
    if (tokenFields.has(name)) {
      const op = segments[0];
      if (segments.length !== 1 || (op !== "gte" && op !== "lte")) {
        fail(key, `use ${name}[gte]=n or ${name}[lte]=n`);
      } else if (values.length > 1) fail(key, "must be given once");
      else if (!/^\d+$/.test(values[0]!)) fail(key, "must be a whole number of at least 0");
      else {
        const field = tokenFields.get(name)!;
        raw[field] = { ...(raw[field] as object | undefined), [op]: Number(values[0]) };
      }
      continue;
    }
    if (segments.length > 0) {
      fail(key, `${name} does not take [keys]`);
      continue;
    }
    if (empty) {
      fail(key, "must not be empty");
      continue;
    }
    const field = multiFields.get(name);
    if (field) {
      raw[field] = noCommaSplit.has(field) ? values : values.flatMap((v) => v.split(",").map((s) => s.trim()));
      if ((raw[field] as string[]).some((v) => v === "")) fail(key, "has an empty value in its list");
      continue;
    }
    if (values.length > 1) {
      fail(key, "must be given once");
      continue;
    }
    const value = values[0]!;
    if (singleFields.has(name)) raw[singleFields.get(name)!] = value;
    else if (name === "is_error") {
      if (value === "true" || value === "false") raw.isError = value === "true";
      else fail(key, "must be true or false");
    } else if (name === "limit") {
      if (/^\d+$/.test(value)) raw.limit = Number(value);
      else fail(key, "must be a whole number between 1 and 500");
    } else if (name === "period") period.preset = value;
    else if (name === "from") period.from = value;
    else if (name === "to") period.to = value;
  }

  if (period.preset !== undefined && (period.from !== undefined || period.to !== undefined)) {
    fail("period", "use either period or from and to, not both");
  } else if (period.preset !== undefined) raw.period = period.preset;
  else if (period.from !== undefined || period.to !== undefined) {
    if (period.from === undefined) fail("from", "is required with to");
    else if (period.to === undefined) fail("to", "is required with from");
    else raw.period = { from: period.from, to: period.to };
  }
  if (metadata.length > 0) raw.metadata = metadata;
  if (errors.length > 0) return { ok: false, errors };

  const parsed = eventFilterSchema.safeParse(raw);
  if (parsed.success) return { ok: true, filter: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({ param: paramOf(issue.path, metadataParams), message: issue.message })),
  };
}

function parseMetadata(
  key: string,
  segments: string[],
  values: string[],
  out: { path: string[]; op: MetadataOp; value?: string | number | boolean }[],
  params: string[],
  fail: (param: string, message: string) => void,
) {
  if (segments.length === 0) return fail(key, "name a key: metadata[key]=value");
  const last = segments[segments.length - 1]!;
  const hasOp = segments.length > 1 && (metadataOps as readonly string[]).includes(last);
  const op = hasOp ? (last as MetadataOp) : "eq";
  const path = hasOp ? segments.slice(0, -1) : segments;
  if (path.some((s) => s === "")) return fail(key, "a metadata key must not be empty");
  for (const value of values) {
    if (value.trim() === "") return fail(key, "must not be empty");
    if (op === "exists") {
      if (value !== "true" && value !== "false") return fail(key, "must be true or false");
      out.push({ path, op, value: value === "true" });
    } else if (numericMetadataOps.includes(op)) {
      if (!NUMBER.test(value)) return fail(key, `must be a number for ${op}`);
      out.push({ path, op, value: Number(value) });
    } else out.push({ path, op, value });
    params.push(key);
  }
}

/** The REST parameter a zod issue path points at. */
function paramOf(path: PropertyKey[], metadataParams: string[]): string {
  const [field, sub] = path;
  if (field === "metadata") return typeof sub === "number" ? (metadataParams[sub] ?? "metadata") : "metadata";
  if (field === "period") return sub === "from" || sub === "to" ? sub : "period";
  if (typeof field !== "string") return "query";
  const name = snake(field);
  if (tokenFields.has(name)) return sub === "gte" || sub === "lte" ? `${name}[${sub}]` : name;
  return name;
}
