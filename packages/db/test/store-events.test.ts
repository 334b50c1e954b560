import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { EVENT_COLUMNS, storeEvents } from "../src/queries/ingest";

let handle: DbHandle;
beforeAll(() => {
  handle = createDb(inject("databaseUrl"), { max: 2 });
});
afterAll(() => handle?.close());

describe("logbook_store_events", () => {
  it("inserts every column an ingested event sets: the function follows the events table", async () => {
    const { rows } = await handle.pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
       WHERE table_name = 'events' AND table_schema = current_schema() AND is_generated = 'NEVER'
         AND column_name NOT IN ('tenant_id', 'received_at')`,
    );
    expect(rows.map((r) => r.column_name).sort()).toEqual([...EVENT_COLUMNS].sort());
    const def = (await handle.pool.query<{ def: string }>("SELECT pg_get_functiondef('logbook_store_events'::regproc) AS def"))
      .rows[0]!.def;
    for (const column of EVENT_COLUMNS) expect(def).toContain(`r.${column}`);
  });

  it("stores as the tenant (row-level security applies) and reports client ids already stored", async () => {
    const tenantId = `t_store_${randomUUID()}`;
    const now = new Date().toISOString();
    const row = (clientId: string | null) => ({
      id: crypto.randomUUID(),
      client_id: clientId,
      occurred_at: now,
      kind: "system",
      type: "x",
    });
    const first = [row("a"), row(null), row("b")];
    expect(await storeEvents(handle.db, { tenantId, rows: first })).toEqual(first.map((r) => ({ id: r.id, duplicate: false })));
    const again = [row("b"), row("c"), row("c")];
    expect(await storeEvents(handle.db, { tenantId, rows: again })).toEqual([
      { id: first[2]!.id, duplicate: true },
      { id: again[1]!.id, duplicate: false },
      { id: again[1]!.id, duplicate: true },
    ]);
    // A tenant_id in the rows is no column the function takes: every row is the caller's tenant's.
    // One connection for the call and the check after it: the session is back as it was.
    const other = `t_other_${randomUUID()}`;
    const client = await handle.pool.connect();
    try {
      await client.query("SELECT * FROM logbook_store_events($1, $2::json, '[]')", [
        tenantId,
        JSON.stringify([{ ...row("z"), tenant_id: other, has_content: false, redacted: false }]),
      ]);
      expect((await client.query("SELECT 1 FROM events WHERE tenant_id = $1", [other])).rows).toEqual([]);
      const { rows } = await client.query<{ role: string; tenant: string | null }>(
        "SELECT current_user AS role, current_setting('logbook.tenant_id', true) AS tenant",
      );
      expect(rows[0]!.role).not.toBe("logbook_app");
      expect(rows[0]!.tenant || null).toBeNull();
    } finally {
      client.release();
    }
  });
});
