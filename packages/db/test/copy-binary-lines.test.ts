import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { CopyBinaryLines } from "../src/queries/copy-out";

/** Real binary COPY output from Postgres, fed to the decoder in chunks of every size. */
let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
});
afterAll(() => client?.end());

async function copyBinary(query: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT binary)`))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const decode = (bytes: Buffer, chunkSize: number) => {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) parts.push(bytes.subarray(at, at + chunkSize));
  return text(Readable.from(parts).pipe(new CopyBinaryLines()));
};

describe("CopyBinaryLines", () => {
  it("gives each row's text followed by a newline, however the bytes are chunked", async () => {
    const query = `SELECT row_to_json(r)::text FROM (SELECT i, repeat('é"\\', i % 7) AS s, NULL::int AS n
                   FROM generate_series(1, 300) i) r`;
    const bytes = await copyBinary(query);
    const expected = (await client.query<{ line: string }>(`SELECT line FROM (${query}) q(line)`)).rows
      .map((r) => `${r.line}\n`)
      .join("");
    for (const size of [1, 2, 5, 6, 7, 19, 20, 64, 1000, bytes.length]) expect(await decode(bytes, size)).toBe(expected);
  });

  it("skips NULL values and handles an empty result", async () => {
    expect(await decode(await copyBinary("SELECT NULLIF(i, 2)::text FROM generate_series(1, 3) i"), 3)).toBe("1\n3\n");
    expect(await decode(await copyBinary("SELECT 'x'::text WHERE false"), 4)).toBe("");
  });

  it("fails on a stream cut inside a row, and on more than one column", async () => {
    const bytes = await copyBinary("SELECT 'abcdef'::text");
    await expect(decode(bytes.subarray(0, bytes.length - 5), 4)).rejects.toThrow("inside a row");
    await expect(decode(await copyBinary("SELECT 'a'::text, 'b'::text"), 8)).rejects.toThrow("one column");
  });
});
