import type { Readable } from "node:stream";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { to as copyTo } from "pg-copy-streams";
import { type Db, schema } from "../client";
import type { Tx } from "../tenant";

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
    await client.query(
      "SELECT set_config('role', 'logbook_app', true), set_config('logbook.tenant_id', $1, true), set_config('jit', 'off', true), set_config('standard_conforming_strings', 'on', true)",
      [tenantId],
    );
    const query = new PgDialect().sqlToQuery(await build(drizzle(client, { schema }) as unknown as Tx));
    const stream = client.query(copyTo(`COPY (${inlineParams(query.sql, query.params)}) TO STDOUT WITH (${options})`));
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
