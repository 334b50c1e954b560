import { checkDepth, int64Value, type OtlpEntry, OtlpError, type OtlpLogRecord, setKey } from "./otlp-types";

type Json = Record<string, unknown>;

/** A message field by its lowerCamelCase JSON name or its proto name (both are valid OTLP/JSON). */
function field(object: Json, camel: string): unknown {
  if (camel in object) return object[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return object[snake];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function list(object: Json, camel: string, path: string): unknown[] {
  const value = field(object, camel);
  if (value == null) return [];
  if (!Array.isArray(value)) throw new OtlpError(`${path}.${camel} must be an array`);
  return value;
}

function message(value: unknown, path: string): Json {
  if (!isObject(value)) throw new OtlpError(`${path} must be an object`);
  return value;
}

function optionalString(object: Json, camel: string, path: string): string | undefined {
  const value = field(object, camel);
  if (value == null || value === "") return undefined;
  if (typeof value !== "string") throw new OtlpError(`${path}.${camel} must be a string`);
  return value;
}

function int64(value: unknown, path: string): bigint {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d{1,20}$/.test(value)) return BigInt(value);
  throw new OtlpError(`${path} must be an integer (a decimal string for 64-bit values)`);
}

function optionalTime(object: Json, camel: string, path: string): bigint | undefined {
  const value = field(object, camel);
  return value == null ? undefined : int64(value, `${path}.${camel}`);
}

/** An OTLP AnyValue (`{ "stringValue": ... }`, `{ "kvlistValue": { "values": [...] } }`, ...) as a plain value. */
export function anyValue(value: unknown, path: string, depth = 0): unknown {
  if (value == null) return null;
  checkDepth(depth);
  const v = message(value, path);
  if ("stringValue" in v || "string_value" in v) return String(field(v, "stringValue"));
  if ("boolValue" in v || "bool_value" in v) return field(v, "boolValue") === true;
  if ("intValue" in v || "int_value" in v) return int64Value(int64(field(v, "intValue"), `${path}.intValue`));
  if ("doubleValue" in v || "double_value" in v) {
    const d = field(v, "doubleValue");
    if (typeof d === "number") return d;
    if (typeof d === "string" && d.trim() !== "" && !Number.isNaN(Number(d))) return Number(d);
    return String(d); // "NaN", "Infinity": kept as text, JSON has no number for them
  }
  if ("arrayValue" in v || "array_value" in v) {
    const array = message(field(v, "arrayValue") ?? {}, `${path}.arrayValue`);
    return list(array, "values", `${path}.arrayValue`).map((item, i) =>
      anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if ("kvlistValue" in v || "kvlist_value" in v) {
    const kvlist = message(field(v, "kvlistValue") ?? {}, `${path}.kvlistValue`);
    return keyValues(list(kvlist, "values", `${path}.kvlistValue`), `${path}.kvlistValue.values`, depth + 1);
  }
  if ("bytesValue" in v || "bytes_value" in v) return String(field(v, "bytesValue"));
  return null;
}

/** A repeated KeyValue as an object (a later key wins). */
export function keyValues(items: unknown[], path: string, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  items.forEach((item, i) => {
    const kv = message(item, `${path}[${i}]`);
    const key = kv.key;
    if (typeof key !== "string") throw new OtlpError(`${path}[${i}].key must be a string`);
    setKey(out, key, anyValue(kv.value, `${path}[${i}].value`, depth));
  });
  return out;
}

function hexId(object: Json, camel: string, path: string): string | undefined {
  const value = optionalString(object, camel, path);
  return value ? value.toLowerCase() : undefined;
}

function logRecord(value: unknown, path: string): OtlpLogRecord {
  const r = message(value, path);
  const severity = field(r, "severityNumber");
  return {
    timeUnixNano: optionalTime(r, "timeUnixNano", path),
    observedTimeUnixNano: optionalTime(r, "observedTimeUnixNano", path),
    severityNumber: typeof severity === "number" ? severity : undefined,
    severityText: optionalString(r, "severityText", path),
    body: "body" in r ? anyValue(r.body, `${path}.body`) : undefined,
    attributes: keyValues(list(r, "attributes", path), `${path}.attributes`),
    traceId: hexId(r, "traceId", path),
    spanId: hexId(r, "spanId", path),
    eventName: optionalString(r, "eventName", path),
  };
}

/** Parses an OTLP/JSON ExportLogsServiceRequest into its log records; throws OtlpError when malformed. */
export function parseLogsJson(text: string): OtlpEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpError(`Malformed JSON: ${(error as Error).message}`);
  }
  const request = message(parsed, "the request body");
  const entries: OtlpEntry[] = [];
  list(request, "resourceLogs", "(request)").forEach((rl, ri) => {
    const rPath = `resourceLogs[${ri}]`;
    const resourceLogs = message(rl, rPath);
    const resourceMessage = field(resourceLogs, "resource");
    const resource =
      resourceMessage == null
        ? {}
        : keyValues(
            list(message(resourceMessage, `${rPath}.resource`), "attributes", `${rPath}.resource`),
            `${rPath}.resource.attributes`,
          );
    list(resourceLogs, "scopeLogs", rPath).forEach((sl, si) => {
      const sPath = `${rPath}.scopeLogs[${si}]`;
      const scopeLogs = message(sl, sPath);
      const scopeMessage = field(scopeLogs, "scope");
      const scopeObject = scopeMessage == null ? {} : message(scopeMessage, `${sPath}.scope`);
      const scope = { name: optionalString(scopeObject, "name", sPath), version: optionalString(scopeObject, "version", sPath) };
      list(scopeLogs, "logRecords", sPath).forEach((record, li) => {
        const position = `${sPath}.logRecords[${li}]`;
        entries.push({ position, resource, scope, record: logRecord(record, position) });
      });
    });
  });
  return entries;
}
