import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";

let handle: DbHandle;
beforeAll(() => {
  handle = createDb(inject("databaseUrl"), { max: 2 });
});
afterAll(() => handle?.close());

describe("createDb", () => {
  it("compresses the WAL of its connections where the role may set it (a superuser here)", async () => {
    const server = (
      await handle.pool.query<{ reset_val: string }>("SELECT reset_val FROM pg_settings WHERE name = 'wal_compression'")
    ).rows[0]!.reset_val;
    const { rows } = await handle.pool.query<{ wal_compression: string }>("SHOW wal_compression");
    // The server's own setting is kept when it already compresses.
    expect(rows[0]!.wal_compression).toEqual(server === "off" ? expect.stringMatching(/^(lz4|pglz)$/) : server);
  });

  it("a role that may not set it connects and works as before, uncompressed", async () => {
    const role = `logbook_nowal_${randomUUID().slice(0, 8)}`;
    await handle.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'nowal'`);
    const url = new URL(inject("databaseUrl"));
    url.username = role;
    url.password = "nowal";
    const limited = createDb(url.href, { max: 1 });
    try {
      const { rows } = await limited.pool.query<{ wal: string; reset: string }>(
        "SELECT current_setting('wal_compression') AS wal, (SELECT reset_val FROM pg_settings WHERE name = 'wal_compression') AS reset",
      );
      expect(rows[0]!.wal).toBe(rows[0]!.reset);
    } finally {
      await limited.close();
      await handle.pool.query(`DROP ROLE ${role}`);
    }
  });
});
