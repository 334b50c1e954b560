import { checkDepth, int64Value, type OtlpEntry, OtlpError, type OtlpLogRecord, setKey, toHex } from "./otlp-types";

/**
 * A minimal protobuf wire-format decoder for the OTLP logs messages (opentelemetry/proto/collector/logs/v1
 * ExportLogsServiceRequest and what it holds), and the encoders for the answers. Unknown fields are skipped.
 */
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

class Reader {
  pos: number;
  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done() {
    return this.pos >= this.end;
  }

  private need(n: number) {
    if (this.pos + n > this.end) throw new OtlpError("Malformed protobuf: truncated message");
  }

  varint64(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1);
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new OtlpError("Malformed protobuf: varint too long");
  }

  varint(): number {
    const value = this.varint64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new OtlpError("Malformed protobuf: length or tag out of range");
    return Number(value);
  }

  tag(): { field: number; wire: number } {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new OtlpError("Malformed protobuf: field number 0");
    return { field, wire: tag % 8 };
  }

  fixed64(): bigint {
    this.need(8);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getBigUint64(0, true);
  }

  double(): number {
    this.need(8);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }

  bytes(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** A reader over the embedded message that follows. */
  message(): Reader {
    const length = this.varint();
    this.need(length);
    const sub = new Reader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  skip(wire: number) {
    if (wire === VARINT) this.varint64();
    else if (wire === LEN) this.bytes();
    else if (wire === FIXED64 || wire === FIXED32) {
      const size = wire === FIXED64 ? 8 : 4;
      this.need(size);
      this.pos += size;
    } else throw new OtlpError(`Malformed protobuf: unsupported wire type ${wire}`);
  }
}

/** Calls `onField` for each field of the message; a known field with the wrong wire type is an error. */
function readFields(r: Reader, wires: Record<number, number>, onField: (field: number) => void) {
  while (!r.done) {
    const { field, wire } = r.tag();
    const expected = wires[field];
    if (expected === undefined) r.skip(wire);
    else if (expected !== wire) throw new OtlpError(`Malformed protobuf: field ${field} has wire type ${wire}`);
    else onField(field);
  }
}

function anyValue(r: Reader, depth = 0): unknown {
  checkDepth(depth);
  let value: unknown = null;
  readFields(r, { 1: LEN, 2: VARINT, 3: VARINT, 4: FIXED64, 5: LEN, 6: LEN, 7: LEN }, (field) => {
    if (field === 1) value = r.string();
    else if (field === 2) value = r.varint64() !== 0n;
    else if (field === 3) value = int64Value(BigInt.asIntN(64, r.varint64()));
    else if (field === 4) value = r.double();
    else if (field === 5) {
      const items: unknown[] = [];
      const array = r.message();
      readFields(array, { 1: LEN }, () => items.push(anyValue(array.message(), depth + 1)));
      value = items;
    } else if (field === 6) value = keyValueList(r.message(), depth + 1);
    else value = Buffer.from(r.bytes()).toString("base64");
  });
  return Number.isNaN(value) || value === Infinity || value === -Infinity ? String(value) : value;
}

/** Repeated KeyValue (field 1 of KeyValueList; also used for attribute lists read one by one). */
function keyValue(r: Reader, into: Record<string, unknown>, depth = 0) {
  let key = "";
  let value: unknown = null;
  readFields(r, { 1: LEN, 2: LEN }, (field) => {
    if (field === 1) key = r.string();
    else value = anyValue(r.message(), depth);
  });
  setKey(into, key, value);
}

function keyValueList(r: Reader, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  readFields(r, { 1: LEN }, () => keyValue(r.message(), out, depth));
  return out;
}

function logRecord(r: Reader): OtlpLogRecord {
  const record: OtlpLogRecord = { attributes: {} };
  const wires = { 1: FIXED64, 2: VARINT, 3: LEN, 5: LEN, 6: LEN, 9: LEN, 10: LEN, 11: FIXED64, 12: LEN };
  readFields(r, wires, (field) => {
    if (field === 1) record.timeUnixNano = r.fixed64();
    else if (field === 11) record.observedTimeUnixNano = r.fixed64();
    else if (field === 2) record.severityNumber = Number(BigInt.asIntN(32, r.varint64()));
    else if (field === 3) record.severityText = r.string() || undefined;
    else if (field === 5) record.body = anyValue(r.message());
    else if (field === 6) keyValue(r.message(), record.attributes);
    else if (field === 9) record.traceId = toHex(r.bytes()) || undefined;
    else if (field === 10) record.spanId = toHex(r.bytes()) || undefined;
    else record.eventName = r.string() || undefined;
  });
  return record;
}

/** Decodes an ExportLogsServiceRequest; throws OtlpError when the bytes are not one. */
export function decodeLogsRequest(buf: Uint8Array): OtlpEntry[] {
  const entries: OtlpEntry[] = [];
  const request = new Reader(buf);
  let ri = 0;
  readFields(request, { 1: LEN }, () => {
    const resourceLogs = request.message();
    const resource: Record<string, unknown> = {};
    const scopes: { scope: OtlpEntry["scope"]; records: OtlpLogRecord[] }[] = [];
    readFields(resourceLogs, { 1: LEN, 2: LEN }, (field) => {
      const sub = resourceLogs.message();
      if (field === 1) readFields(sub, { 1: LEN }, () => keyValue(sub.message(), resource));
      else scopes.push(scopeLogs(sub));
    });
    scopes.forEach(({ scope, records }, si) => {
      records.forEach((record, li) => {
        entries.push({ position: `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${li}]`, resource, scope, record });
      });
    });
    ri++;
  });
  return entries;
}

function scopeLogs(r: Reader) {
  const scope: OtlpEntry["scope"] = {};
  const records: OtlpLogRecord[] = [];
  readFields(r, { 1: LEN, 2: LEN }, (field) => {
    const sub = r.message();
    if (field === 2) records.push(logRecord(sub));
    else {
      readFields(sub, { 1: LEN, 2: LEN }, (f) => {
        if (f === 1) scope.name = sub.string() || undefined;
        else scope.version = sub.string() || undefined;
      });
    }
  });
  return { scope, records };
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function lenField(field: number, bytes: Uint8Array | number[]): number[] {
  return [...varintBytes(field * 8 + LEN), ...varintBytes(bytes.length), ...bytes];
}

/** ExportLogsServiceResponse: empty, or with partial_success { rejected_log_records, error_message }. */
export function encodeLogsResponse(rejected: number, errorMessage: string): Uint8Array {
  if (rejected === 0 && !errorMessage) return new Uint8Array(0);
  const partial = [
    ...varintBytes(1 * 8 + VARINT),
    ...varintBytes(rejected),
    ...lenField(2, new TextEncoder().encode(errorMessage)),
  ];
  return Uint8Array.from(lenField(1, partial));
}

/** google.rpc.Status { code, message }: the body of an OTLP/HTTP error answer in protobuf. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return Uint8Array.from([
    ...varintBytes(1 * 8 + VARINT),
    ...varintBytes(code),
    ...lenField(2, new TextEncoder().encode(message)),
  ]);
}
