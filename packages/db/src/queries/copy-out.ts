import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { to as copyTo } from "pg-copy-streams";
import { type Db, schema } from "../client";
import { HOLD_REWRITE_GATE, type Tx } from "../tenant";

/**
 * Streams `COPY (<query>) TO STDOUT WITH (<options>)` from one tenant transaction (repeatable read, role
 * logbook_app, the tenant set, as withTenant does) on a dedicated connection: Postgres renders the
 * rows, Node passes bytes on with backpressure, memory stays at a few socket buffers whatever the row
 * count. `build` makes the query inside the transaction (it may look things up first). Errors before
 * the first byte are thrown; destroying the stream ends the query (its connection is closed).
 */
export async function copyOut(db: Db, tenantId: string, options: string, build: (tx: Tx) => Promise<SQL>): Promise<Readable> {
  const client = await db.$client.connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    // A connection left inside COPY or a transaction is closed rather than reused.
    client.release(error ?? true);
  };
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await client.query(HOLD_REWRITE_GATE);
    await client.query(
      "SELECT set_config('role', 'logbook_app', true), set_config('logbook.tenant_id', $1, true), set_config('jit', 'off', true), set_config('standard_conforming_strings', 'on', true)",
      [tenantId],
    );
    const query = new PgDialect().sqlToQuery(await build(drizzle(client, { schema }) as unknown as Tx));
    const stream = client.query(
      copyTo(`COPY (${inlineParams(query.sql, query.params)}) TO STDOUT WITH (${options})`, { highWaterMark: 1 << 20 }),
    );
    stream.on("end", () => {
      client.query("COMMIT").then(
        () => release(),
        (error: Error) => release(error),
      );
    });
    stream.on("error", (error) => release(error));
    stream.on("close", () => {
      // Destroyed before the end (the reader went away): close the connection, which ends the query.
      if (!stream.readableEnded) release(new Error("COPY stream closed before its end"));
    });
    return stream;
  } catch (error) {
    release(error as Error);
    throw error;
  }
}

/**
 * Lines of one text column, each as Postgres rendered it (JSON Lines): copyOut in binary format,
 * unframed by CopyBinaryLines. Same transaction, backpressure and release as copyOut; destroying the
 * returned stream ends the query.
 */
export async function copyOutLines(db: Db, tenantId: string, build: (tx: Tx) => Promise<SQL>): Promise<Readable> {
  const source = await copyOut(db, tenantId, "FORMAT binary", build);
  // About a megabyte in flight on each side, so Postgres keeps rendering while the response is written
  // (with the default 16 kB, the query stalled on every hop's latency; the CPU sat partly idle).
  const lines = new CopyBinaryLines({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
  pipeline(source, lines, () => {});
  return lines;
}

/**
 * COPY takes no bind parameters, so the compiled filter's parameters become SQL literals: each one
 * untyped ('…', inferred from context exactly as a parameter is), quotes doubled, under
 * standard_conforming_strings (set for the transaction), so backslashes are literal. Only the value
 * types the filter compiler produces are accepted.
 */
export function inlineParams(text: string, params: unknown[]): string {
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error("inlineParams: non-finite number");
      return `'${String(value)}'`;
    }
    if (typeof value === "boolean") return value ? "'true'" : "'false'";
    if (typeof value === "string") {
      if (value.includes("\0")) throw new Error("inlineParams: NUL character");
      return `'${value.replaceAll("'", "''")}'`;
    }
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      // An array literal: elements double-quoted, backslash and double quote escaped inside them.
      const elements = value.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
      return literal(`{${elements.join(",")}}`);
    }
    throw new Error(`inlineParams: unsupported parameter type ${typeof value}`);
  };
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`inlineParams: no parameter $${n}`);
    return literal(params[index]);
  });
}

const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Turns `COPY (SELECT <one text column>) TO STDOUT WITH (FORMAT binary)` into lines: each row's value
 * as it is, then "\n". Binary COPY hands over each value with its length in front, so Postgres
 * neither scans nor escapes it (the CSV and text formats look at every byte); the framing is read
 * here, one copy per row. A NULL value (never produced by the line queries) is skipped.
 */
export class CopyBinaryLines extends Transform {
  private pending: Buffer | null = null;
  private headerLeft = -1; // bytes of the file header still to skip; -1 until its length is known
  private ended = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(this.decode(chunk));
  }

  /** Pushes the whole rows `chunk` completes; keeps the rest for the next chunk. */
  private decode(chunk: Buffer): Error | null {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    if (this.headerLeft !== 0) {
      // Signature (11), flags (4), header extension length (4), then that many bytes.
      if (this.headerLeft === -1) {
        if (buf.length < 19) {
          this.pending = buf;
          return null;
        }
        if (!buf.subarray(0, 11).equals(COPY_SIGNATURE)) return new Error("COPY binary: bad signature");
        this.headerLeft = 19 + buf.readUInt32BE(15);
      }
      const skip = Math.min(this.headerLeft, buf.length);
      this.headerLeft -= skip;
      at = skip;
      if (this.headerLeft > 0) return null;
    }
    const out = Buffer.allocUnsafe(buf.length);
    let written = 0;
    while (!this.ended && buf.length - at >= 2) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields !== 1) return new Error(`COPY binary: expected one column, got ${fields}`);
      if (buf.length - at < 6) break;
      const size = buf.readInt32BE(at + 2);
      if (size === -1) {
        at += 6;
        continue;
      }
      if (buf.length - at - 6 < size) break;
      buf.copy(out, written, at + 6, at + 6 + size);
      written += size;
      out[written++] = 10;
      at += 6 + size;
    }
    if (at < buf.length && !this.ended) this.pending = buf.subarray(at);
    if (written > 0) this.push(out.subarray(0, written));
    return null;
  }

  override _flush(callback: TransformCallback): void {
    callback(this.pending && this.pending.length > 0 ? new Error("COPY binary: stream ended inside a row") : null);
  }
}
