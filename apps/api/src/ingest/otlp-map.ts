import { interactionEventSchema, MAX_METADATA_BYTES, systemEventSchema } from "@logbook/shared/events";
import { genAiFields, hasGenAi } from "./otlp-genai";
import { type OtlpEntry, setKey, ZERO_ID } from "./otlp-types";

/** Envelope fields a `logbook.<field>` attribute may set, for every kind and for interactions only. */
const COMMON_FIELDS = new Set(Object.keys(systemEventSchema.shape).filter((k) => !["actor", "target", "metadata"].includes(k)));
const INTERACTION_FIELDS = new Set(Object.keys(interactionEventSchema.shape).filter((k) => !COMMON_FIELDS.has(k)));
const ACTOR_FIELDS = new Set(["id", "email", "name", "type", "ip"]);
const TARGET_FIELDS = new Set(["type", "id", "name", "version"]);

/** Resource attributes kept when a record's metadata would exceed the limit with all of them. */
const ESSENTIAL_RESOURCE = /^(service\.|deployment\.)/;

const MAX_TIME_MS = 8.64e15;

/**
 * NUL characters replaced by U+FFFD in strings and keys: Postgres text and jsonb cannot hold them,
 * and OTLP strings (protobuf especially) may carry them.
 */
function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setKey(out, withoutNul(key) as string, withoutNul(item));
    return out;
  }
  return value;
}

/** `event.name` as a Logbook type: dot-separated words of [a-z0-9_]. */
export function typeFromName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const type = name
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, "_")
    .replace(/\.{2,}/g, ".")
    .slice(0, 100)
    .replace(/^\.+|\.+$/g, "");
  return type || undefined;
}

function isoFromNanos(nanos: bigint): string {
  const ms = Math.max(-MAX_TIME_MS, Math.min(MAX_TIME_MS, Number(nanos / 1_000_000n)));
  return new Date(ms).toISOString();
}

function stringOf(value: unknown): string | undefined {
  if (value == null || value === "") return undefined;
  return typeof value === "string" ? value : String(value);
}

/**
 * Maps one OTLP log record to a Logbook event (validated afterwards like any other): a record with
 * `gen_ai.*` attributes becomes an `interaction`, any other a `system` event, unless `logbook.kind`
 * says otherwise; `logbook.<field>` attributes set envelope fields; everything not mapped lands in
 * metadata (record attributes over resource attributes, plus body, severity, span id and scope).
 */
export function otlpToEvent(entry: OtlpEntry, now = Date.now()): Record<string, unknown> {
  const { record } = entry;
  const attrs = { ...record.attributes };
  const explicit: Record<string, unknown> = {};
  const actor: Record<string, unknown> = {};
  const target: Record<string, unknown> = {};
  for (const key of Object.keys(attrs)) {
    if (!key.startsWith("logbook.")) continue;
    const name = key.slice("logbook.".length);
    const [head, sub] = name.split(/\.(.*)/s, 2) as [string, string | undefined];
    if (head === "actor" && sub && ACTOR_FIELDS.has(sub)) actor[sub] = attrs[key];
    else if (head === "target" && sub && TARGET_FIELDS.has(sub)) target[sub] = attrs[key];
    else if (name === "kind" || COMMON_FIELDS.has(name) || INTERACTION_FIELDS.has(name)) explicit[name] = attrs[key];
    else continue;
    delete attrs[key];
  }

  const eventName = record.eventName ?? stringOf(attrs["event.name"]);
  const kind = explicit.kind ?? (hasGenAi(attrs, eventName) ? "interaction" : "system");
  const event: Record<string, unknown> = { kind };
  const sanitized = typeFromName(eventName);
  event.type = explicit.type ?? sanitized ?? (kind === "interaction" ? "ai.interaction" : "otel.log");

  const nanos = record.timeUnixNano || record.observedTimeUnixNano || BigInt(now) * 1_000_000n;
  event.occurred_at = isoFromNanos(nanos);

  const source = stringOf(entry.resource["service.name"]);
  if (source) event.source = source;
  if (record.traceId && !ZERO_ID.test(record.traceId)) event.trace_id = record.traceId;

  // Actor from the semantic conventions' user attributes (logbook.actor.* wins).
  const actorFrom = (field: string, ...keys: string[]) => {
    for (const key of keys) {
      if (attrs[key] == null) continue;
      actor[field] ??= stringOf(attrs[key]);
      delete attrs[key];
      return;
    }
  };
  actorFrom("id", "enduser.id", "user.id");
  actorFrom("email", "user.email");
  actorFrom("name", "user.full_name", "user.name");
  if (Object.keys(actor).length) event.actor = actor;
  if (Object.keys(target).length) event.target = target;

  let bodyUsed = false;
  if (kind === "interaction") {
    const genAi = genAiFields(attrs, record, eventName);
    bodyUsed = genAi.bodyUsed;
    for (const [key, value] of Object.entries(genAi)) {
      if (key !== "bodyUsed" && value !== undefined) event[key] = value;
    }
  }
  for (const [name, value] of Object.entries(explicit)) {
    if (name === "kind") continue;
    if (COMMON_FIELDS.has(name) || kind === "interaction") event[name] = value;
    else attrs[`logbook.${name}`] = value; // an interaction field on another kind: kept, not rejected
  }

  const extra: Record<string, unknown> = { ...attrs };
  if (record.body != null && !bodyUsed) extra.body = record.body;
  if (record.severityText) extra.severity = record.severityText;
  if (record.severityNumber) extra.severity_number = record.severityNumber;
  if (record.spanId && !ZERO_ID.test(record.spanId)) extra.span_id = record.spanId;
  if (entry.scope.name) extra["otel.scope.name"] = entry.scope.name;
  if (entry.scope.version) extra["otel.scope.version"] = entry.scope.version;
  if (record.eventName && sanitized !== record.eventName && extra["event.name"] === undefined) {
    extra["event.name"] = record.eventName;
  }
  let metadata = { ...entry.resource, ...extra };
  if (JSON.stringify(metadata).length > MAX_METADATA_BYTES) {
    const essential = Object.fromEntries(Object.entries(entry.resource).filter(([k]) => ESSENTIAL_RESOURCE.test(k)));
    metadata = { ...essential, ...extra, "otel.resource_truncated": true };
  }
  if (Object.keys(metadata).length) event.metadata = metadata;
  return withoutNul(event) as Record<string, unknown>;
}
