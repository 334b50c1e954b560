/**
 * One OTLP log record, decoded from JSON or protobuf into plain values: attribute and body values are
 * JSON-like (strings, numbers, booleans, arrays, objects; int64 beyond 2^53 as decimal strings, bytes
 * as base64), trace and span ids as lower-case hex, times as nanoseconds since the epoch.
 */
export interface OtlpLogRecord {
  timeUnixNano?: bigint;
  observedTimeUnixNano?: bigint;
  severityNumber?: number;
  severityText?: string;
  body?: unknown;
  attributes: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

/** A log record with its resource and instrumentation scope, flattened out of the request. */
export interface OtlpEntry {
  /** Where the record sat in the request, e.g. `resourceLogs[0].scopeLogs[1].logRecords[4]`. */
  position: string;
  resource: Record<string, unknown>;
  scope: { name?: string; version?: string };
  record: OtlpLogRecord;
}

/** A payload that is not a valid ExportLogsServiceRequest (answered 400). */
export class OtlpError extends Error {}

export const ZERO_ID = /^0*$/;

/** How deep AnyValue arrays and key-value lists may nest (deeper is refused, not recursed into). */
export const MAX_VALUE_DEPTH = 32;

export function checkDepth(depth: number) {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpError(`values nest deeper than ${MAX_VALUE_DEPTH} levels`);
}

/** Sets an attribute as an own property (a key like `__proto__` must not reach the prototype). */
export function setKey(into: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** A 64-bit integer as a number when exact, else as its decimal string. */
export function int64Value(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
