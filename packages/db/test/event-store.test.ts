import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { eventFilterSchema, type EventFilterInput } from "@logbook/shared/filters";
import { decodeCursor } from "../src/queries/event-cursor";
import { insertEvents } from "../src/queries/events";
import { listEventsFiltered } from "../src/queries/list-events-filtered";
import { ensurePartitions } from "../src/queries/partitions";
import { withTenant } from "../src/tenant";

let handle: DbHandle;
const tenantA = `t_a_${randomUUID()}`;
const tenantB = `t_b_${randomUUID()}`;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  const now = Date.now();
  await insertEvents(handle.db, {
    tenantId: tenantA,
    events: Array.from({ length: 25 }, (_, i) => ({
      kind: i % 2 ? "system" : "user_activity",
      type: i % 2 ? "sync.dbt.finished" : "user.login",
      occurredAt: new Date(now - i * 60_000).toISOString(),
      actorEmail: "a@a.test",
    })),
  });
  await insertEvents(handle.db, {
    tenantId: tenantB,
    events: [
      {
        kind: "interaction",
        type: "ai.interaction",
        occurredAt: new Date(now).toISOString(),
        question: "secret of B?",
        answer: "42",
      },
    ],
  });
});
afterAll(() => handle.close());

/** The Postgres message of a failed query (drizzle wraps it), or "no error". */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => "no error",
    (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
  );

const firstIdOf = async (tenantId: string) =>
  withTenant(handle.db, tenantId, async (tx) => {
    const r = await tx.execute<{ id: string }>(sql`SELECT id FROM events WHERE tenant_id = ${tenantId} LIMIT 1`);
    return r.rows[0]!.id;
  });

describe("immutability guard (in Postgres)", () => {
  it("rejects an UPDATE of a recorded fact, even as the owner", async () => {
    const id = await firstIdOf(tenantA);
    expect(await failure(handle.db.execute(sql`UPDATE events SET type = 'forged' WHERE id = ${id}`))).toMatch(/immutable/);
    expect(await failure(handle.db.execute(sql`UPDATE events SET actor_email = 'x@y.z' WHERE id = ${id}`))).toMatch(/immutable/);
  });

  it("allows the derived fields alone to be filled in", async () => {
    const id = await firstIdOf(tenantA);
    await handle.db.execute(sql`UPDATE events SET intent = 'how_to', labels = '{"intent":{"source":"model"}}' WHERE id = ${id}`);
    const r = await handle.db.execute<{ intent: string }>(sql`SELECT intent FROM events WHERE id = ${id}`);
    expect(r.rows[0]?.intent).toBe("how_to");
  });

  it("rejects DELETE and TRUNCATE outside retention, allows DELETE inside it", async () => {
    const id = await firstIdOf(tenantA);
    expect(await failure(handle.db.execute(sql`DELETE FROM events WHERE id = ${id}`))).toMatch(/only by retention/);
    // The partition itself, named directly, and content: the same guard.
    const partition = await handle.db.execute<{ name: string }>(
      sql`SELECT tableoid::regclass::text AS name FROM events WHERE id = ${id}`,
    );
    expect(await failure(handle.db.execute(sql.raw(`DELETE FROM ${partition.rows[0]!.name} WHERE id = '${id}'`)))).toMatch(
      /only by retention/,
    );
    expect(await failure(handle.db.execute(sql`DELETE FROM event_contents`))).toMatch(/only by retention/);
    expect(await failure(handle.db.execute(sql`TRUNCATE events`))).toMatch(/TRUNCATE is not allowed/);
    expect(await failure(handle.db.execute(sql`UPDATE event_contents SET answer = 'changed'`))).toMatch(/immutable/);
    const deleted = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('logbook.retention', 'on', true)`);
      return tx.execute(sql`DELETE FROM events WHERE id = ${id}`);
    });
    expect(deleted.rowCount).toBe(1);
  });
});

describe("row-level security", () => {
  it("shows a tenant-scoped transaction only its own rows, whatever the query asks", async () => {
    const seen = await withTenant(handle.db, tenantA, (tx) =>
      tx.execute<{ tenant_id: string }>(sql`SELECT DISTINCT tenant_id FROM events WHERE tenant_id IN (${tenantA}, ${tenantB})`),
    );
    expect(seen.rows.map((r) => r.tenant_id)).toEqual([tenantA]);
    const contents = await withTenant(handle.db, tenantA, (tx) => tx.execute(sql`SELECT * FROM event_contents`));
    expect(contents.rowCount).toBe(0);
  });

  it("refuses to write a row of another tenant", async () => {
    expect(
      await failure(
        withTenant(handle.db, tenantA, (tx) =>
          tx.execute(
            sql`INSERT INTO events (tenant_id, id, occurred_at, kind, type) VALUES (${tenantB}, gen_random_uuid(), now(), 'system', 'x')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it("sees nothing when no tenant is set", async () => {
    const r = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL ROLE logbook_app`);
      return tx.execute(sql`SELECT count(*)::int AS n FROM events`);
    });
    expect((r.rows[0] as { n: number }).n).toBe(0);
  });
});

describe("partitions", () => {
  it("are daily UTC ranges created ahead and on demand", async () => {
    const far = new Date(Date.UTC(2020, 0, 15));
    await ensurePartitions(handle.db, far, far);
    const r = await handle.db.execute<{ bound: string }>(
      sql`SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.relname = 'events_p20200115'`,
    );
    expect(r.rows[0]?.bound).toContain("2020-01-15 00:00:00+00");
    await insertEvents(handle.db, {
      tenantId: tenantA,
      events: [{ kind: "system", type: "old.event", occurredAt: "2020-01-15T23:59:59Z" }],
    });
    const ahead = new Date(Date.now() + 6 * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
    const exists = await handle.db.execute(sql`SELECT 1 FROM pg_class WHERE relname = ${`events_p${ahead}`}`);
    expect(exists.rowCount).toBe(1);
  });
});

const SECRET = "event-store-test-cursor-secret";
const list = (tenantId: string, filter: EventFilterInput) =>
  listEventsFiltered(handle.db, {
    tenantId,
    filter: eventFilterSchema.parse({ period: "all", ...filter }),
    secret: SECRET,
    canReadContent: false,
  });

describe("listing", () => {
  it("pages newest first by keyset cursor without skipping or repeating", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(tenantA, { limit: 7, cursor: cursor ?? undefined });
      seen.push(...page.items.map((i) => i.occurredAt));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(25); // 24 left after the retention delete, plus the 2020 event
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it("filters by kind and never returns another tenant's rows", async () => {
    const page = await list(tenantA, { kind: "system", limit: 100 });
    expect(page.items.every((i) => i.kind === "system")).toBe(true);
    const b = await list(tenantB, { limit: 100 });
    expect(b.items).toHaveLength(1);
  });

  it("rejects forged cursors", () => {
    const expected = { tenantId: tenantA, filterHash: "x", order: "desc" as const };
    expect(decodeCursor(SECRET, "not-a-cursor", expected).ok).toBe(false);
    expect(decodeCursor(SECRET, Buffer.from('["yesterday","x"]').toString("base64url"), expected).ok).toBe(false);
  });
});
