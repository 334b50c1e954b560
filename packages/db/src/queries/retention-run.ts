import type { RetentionKind } from "@logbook/shared/retention";
import type { PoolClient } from "pg";
import type { Db } from "../client";
import { partitionIdent as ident } from "./retention-partitions";

/**
 * What the retention job does to the rows of days it cannot drop whole (retention-partitions.ts drops
 * those): bounded sweeps of a day's pages, batch deletes of the partial hour before a cutoff, the
 * rollups of emptied whole hours forgotten, and mostly expired days rewritten with the rows they keep.
 */

/**
 * Runs `fn` in a transaction with `logbook.retention = on`, the only way DELETE passes the guard. It
 * runs as the worker's own role, across tenants: every statement names its tenants explicitly.
 */
async function inRetentionTx<T>(db: Db, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.$client.connect();
  try {
    // Read committed: each statement's snapshot is taken after the locks it waited for.
    // synchronous_commit off: a batch lost to a crash before its WAL reached disk is simply deleted
    // again by the next run, so its commit need not wait for the flush (ingestion's commits do).
    // One round trip (no parameters: the simple protocol takes every statement).
    await client.query(
      `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT set_config('logbook.retention', 'on', true), set_config('jit', 'off', true), set_config('synchronous_commit', 'off', true)`,
    );
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const dayBounds = (day: string) => {
  const from = new Date(`${day}T00:00:00Z`);
  return [from, new Date(from.getTime() + 86_400_000)] as const;
};

/** What is expired in one day for one tenant (and kind): rows of that day older than `before`. */
export interface ExpiredSlice {
  tenantId: string;
  kind: RetentionKind;
  before: Date;
}

/** Slices as the three arrays of `unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)`. */
const sliceArrays = (slices: ExpiredSlice[]) => [
  slices.map((s) => s.tenantId),
  slices.map((s) => s.kind),
  slices.map((s) => s.before),
];

/** What a delete removed: events per tenant and kind, content rows per tenant. */
export interface GoneCounts {
  events: { tenantId: string; kind: RetentionKind; count: number }[];
  contents: { tenantId: string; count: number }[];
}
/** A row of `SELECT 'events' | 'contents' AS what, tenant_id, kind, count(*)` over what a statement deleted. */
type GoneRow = { what: "events" | "contents"; tenant_id: string; kind: RetentionKind | null; count: string };
const goneCounts = (rows: GoneRow[]): GoneCounts => ({
  events: rows
    .filter((r) => r.what === "events")
    .map((r) => ({ tenantId: r.tenant_id, kind: r.kind as RetentionKind, count: Number(r.count) })),
  contents: rows.filter((r) => r.what === "contents").map((r) => ({ tenantId: r.tenant_id, count: Number(r.count) })),
});

/**
 * Deletes up to `limit` expired events of one UTC day, rows of each slice in [from, before), with their
 * content in the same statement (content never outlives its event), through the parent tables: the
 * delete triggers keep the rollups right. The day's bounds prune the statement to one partition at run
 * time; one short transaction per batch (row locks on old rows only: ingestion never waits). Used for
 * the partial hour up to each cutoff, which sweeps and rewrites leave (they take whole hours, whose
 * rollups are forgotten), and for a day little of which goes. Returns what went, per tenant and kind.
 */
export async function deleteExpiredEventsOfDay(
  db: Db,
  input: { day: string; slices: (ExpiredSlice & { from: Date })[]; limit: number },
): Promise<GoneCounts> {
  const [from, to] = dayBounds(input.day);
  return inRetentionTx(db, async (client) => {
    const result = await client.query<GoneRow>(
      `WITH expired AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS x(tenant_id, kind, before, after)
       ), victims AS (
         SELECT v.tenant_id, v.occurred_at, v.id FROM expired x
         CROSS JOIN LATERAL (
           SELECT e.tenant_id, e.occurred_at, e.id FROM events e
           WHERE e.tenant_id = x.tenant_id AND e.kind = x.kind AND e.occurred_at >= x.after AND e.occurred_at < x.before
             AND e.occurred_at >= $5 AND e.occurred_at < $6
         ) v
         LIMIT $7
       ), gone AS (
         DELETE FROM events e USING victims v
         WHERE e.tenant_id = v.tenant_id AND e.occurred_at = v.occurred_at AND e.id = v.id
           AND e.occurred_at >= $5 AND e.occurred_at < $6
         RETURNING e.tenant_id, e.kind, e.occurred_at, e.id, e.has_content
       ), content AS (
         DELETE FROM event_contents c USING gone g
         WHERE g.has_content AND c.tenant_id = g.tenant_id AND c.occurred_at = g.occurred_at AND c.event_id = g.id
           AND c.occurred_at >= $5 AND c.occurred_at < $6
         RETURNING c.tenant_id
       )
       SELECT 'events' AS what, tenant_id, kind, count(*) AS count FROM gone GROUP BY tenant_id, kind
       UNION ALL
       SELECT 'contents', tenant_id, NULL, count(*) FROM content GROUP BY tenant_id`,
      [...sliceArrays(input.slices), input.slices.map((s) => s.from), from, to, input.limit],
    );
    return goneCounts(result.rows);
  });
}

/** A partition's pages now, and about how many rows a page holds (its statistics; 50 before any). */
export async function partitionPages(db: Db, table: string): Promise<{ pages: number; rowsPerPage: number }> {
  const { rows } = await db.$client.query<{ pages: string; per_page: number | null }>(
    `SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
            CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages END AS per_page
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  return { pages: Number(rows[0]!.pages), rowsPerPage: Math.max(1, rows[0]!.per_page ?? 50) };
}

/** The TID bounds of pages [from, to): `ctid >= $a::tid AND ctid < $b::tid` is a TID range scan. */
const pageBounds = (from: number, to: number) => [`(${from},0)`, `(${to},0)`];

/**
 * One sweep statement: deletes up to `limit` rows the slices expire in pages [fromPage, toPage) of one
 * day's partition. A TID range scan picks their row ids (under the statement's snapshot, so the delete
 * needs no second test; a row updated meanwhile is skipped and left to the second round) and a TID
 * scan deletes them, so pages are read and dirtied in order, where an index-driven batch visits each
 * tenant's rows scattered over the whole day. The caller repeats a range while `limit` rows went.
 * Names the partition, so no trigger of the parent counts the rows: the rollups are the caller's
 * (forgetRollupHours: event slices end on whole hours). Returns what went, per tenant (and kind).
 */
async function sweepPages(
  db: Db,
  input: {
    what: "events" | "contents";
    table: string;
    slices: { tenantId: string; kind?: RetentionKind; before: Date }[];
    fromPage: number;
    toPage: number;
    limit: number;
  },
): Promise<GoneCounts> {
  const table = ident(input.table);
  const events = input.what === "events";
  return inRetentionTx(db, async (client) => {
    const result = await client.query<GoneRow>(
      `WITH gone AS (
         DELETE FROM ${table} t
         WHERE t.ctid = ANY (ARRAY(
                 SELECT t2.ctid FROM ${table} t2
                 JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)
                   ON t2.tenant_id = x.tenant_id${events ? " AND t2.kind = x.kind" : ""} AND t2.occurred_at < x.before
                 WHERE t2.ctid >= $4::tid AND t2.ctid < $5::tid LIMIT $6))
         RETURNING t.tenant_id, ${events ? "t.kind" : "NULL::text AS kind"}
       )
       SELECT '${input.what}' AS what, tenant_id, kind, count(*) AS count FROM gone GROUP BY tenant_id, kind`,
      [
        input.slices.map((s) => s.tenantId),
        input.slices.map((s) => s.kind ?? null),
        input.slices.map((s) => s.before),
        ...pageBounds(input.fromPage, input.toPage),
        input.limit,
      ],
    );
    return goneCounts(result.rows);
  });
}

/**
 * Sweeps events of one day's events partition (sweepPages). Their content is left to the content
 * sweep of the same day that follows: it is past the content cutoff, which is never earlier than the
 * event's, so no content index is probed per interaction.
 */
export const sweepExpiredEvents = (
  db: Db,
  input: { events: string; slices: ExpiredSlice[]; fromPage: number; toPage: number; limit: number },
) => sweepPages(db, { what: "events", table: input.events, ...input });

/** Sweeps content rows of one day's content partition older than each tenant's `before` (sweepPages). */
export const sweepExpiredContent = (
  db: Db,
  input: { contents: string; slices: { tenantId: string; before: Date }[]; fromPage: number; toPage: number; limit: number },
) => sweepPages(db, { what: "contents", table: input.contents, ...input });

/** About how many pages of a day's partition are read to estimate its expired share (expiredShareOfDay). */
export const SHARE_SAMPLE_PAGES = 1000;

/**
 * About how much of one day's events partition the given slices would delete (no lock). The share
 * only chooses how the day's rows go (rewrite, sweep or index), never which, so a partition of more
 * than `samplePages` pages (default SHARE_SAMPLE_PAGES) is sampled: TABLESAMPLE SYSTEM takes each page
 * with the same chance, about `samplePages` of them, so rows written in time order bias nothing
 * (REPEATABLE: the same pages while the table keeps its size). Reading whole days for it took about a
 * sixth of a run's database time (bench retention, 10 M events: ~3.5 s of ~22).
 */
export async function expiredShareOfDay(
  db: Db,
  input: { partition: string; slices: ExpiredSlice[]; samplePages?: number },
): Promise<{ expired: number; total: number }> {
  // One statement: the share of pages to read follows the partition's size (100 % — all of it — when
  // it has no more than `samplePages`).
  const { rows } = await db.$client.query<{ expired: string; total: string }>(
    `SELECT count(*) FILTER (WHERE e.occurred_at < x.before) AS expired, count(*) AS total
     FROM ${ident(input.partition)} e
       TABLESAMPLE SYSTEM (least(100, 100 * $4::real / greatest(1, pg_relation_size($5::regclass) / current_setting('block_size')::int)))
       REPEATABLE (0)
     LEFT JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)
       ON x.tenant_id = e.tenant_id AND x.kind = e.kind`,
    [...sliceArrays(input.slices), input.samplePages ?? SHARE_SAMPLE_PAGES, input.partition],
  );
  return { expired: Number(rows[0]!.expired), total: Number(rows[0]!.total) };
}

/** The columns of a table an INSERT may set (not generated), quoted, in order. */
async function insertableColumns(client: PoolClient, table: string): Promise<string> {
  const { rows } = await client.query<{ columns: string }>(
    `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS columns FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`,
    [table],
  );
  return rows[0]!.columns;
}

/**
 * Removes a mostly expired day by rewriting its partitions instead of deleting row by row: in one
 * transaction holding both partitions exclusively, the rows to keep are copied aside (temporary
 * tables: no WAL), the partitions truncated and the kept rows put back in (tenant, time) order. The
 * cost follows what is kept, not what goes, and leaves no dead rows behind. Events go when a slice
 * names their tenant and kind and they are older than its `before` (whole hours: the caller forgets
 * their rollups, as after deletes that name the partition); content goes with its event, or alone
 * when older than its tenant's content cutoff — nothing else. Kept rows come back exactly as they were
 * (same ids, times, labels); the re-insert names the partition, so no trigger of the parent counts them
 * again.
 *
 * Locks are taken without waiting (NOWAIT), so nobody queues behind a rewrite that is not running:
 * the rewrite gate (migration 0010; every repeatable-read reader holds it while open, so no older
 * snapshot can see the day empty), then the two partitions. While it runs, readers of that day and
 * repeatable-read readers wait for it. If the locks cannot be had within `lockWaitMs` (retried every
 * 50 ms), or anything fails, the transaction is rolled back — nothing changed — and `rewritten` is
 * false: the caller sweeps the day instead.
 */
export async function rewriteExpiredDay(
  db: Db,
  input: {
    events: string;
    contents?: string;
    slices: ExpiredSlice[];
    contentSlices: { tenantId: string; before: Date }[];
    lockWaitMs: number;
  },
): Promise<
  GoneCounts & {
    rewritten: boolean;
    /** Why not, when not. */
    reason?: string;
    /** Events and content rows put back. */
    kept: number;
  }
> {
  const events = ident(input.events);
  const contents = input.contents ? ident(input.contents) : null;
  const partitions = [events, contents].filter(Boolean).join(", ");
  const giveUpAt = performance.now() + input.lockWaitMs;
  for (;;) {
    try {
      return await inRetentionTx(db, async (client) => {
        await client.query("LOCK TABLE logbook_rewrite_gate IN ACCESS EXCLUSIVE MODE NOWAIT");
        await client.query(`LOCK TABLE ${partitions} IN ACCESS EXCLUSIVE MODE NOWAIT`);
        const slices = sliceArrays(input.slices);
        const keptEvents = await client.query(
          `CREATE TEMP TABLE logbook_kept_events ON COMMIT DROP AS
           SELECT e.* FROM ${events} e
           LEFT JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)
             ON x.tenant_id = e.tenant_id AND x.kind = e.kind
           WHERE x.before IS NULL OR e.occurred_at >= x.before`,
          slices,
        );
        await client.query(
          `CREATE TEMP TABLE logbook_gone_events ON COMMIT DROP AS
           SELECT e.tenant_id, e.kind, e.occurred_at, e.id FROM ${events} e
           JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)
             ON x.tenant_id = e.tenant_id AND x.kind = e.kind AND e.occurred_at < x.before`,
          slices,
        );
        const gone = await client.query<{ tenant_id: string; kind: RetentionKind; count: string }>(
          "SELECT tenant_id, kind, count(*) AS count FROM logbook_gone_events GROUP BY 1, 2",
        );
        let keptContents = 0;
        let contentsGone: { tenant_id: string; count: string }[] = [];
        if (contents) {
          // Content stays unless its tenant's content cutoff has passed or its event goes.
          const kept = await client.query(
            `CREATE TEMP TABLE logbook_kept_contents ON COMMIT DROP AS
             SELECT c.* FROM ${contents} c
             LEFT JOIN unnest($1::text[], $2::timestamptz[]) AS y(tenant_id, before) ON y.tenant_id = c.tenant_id
             WHERE (y.before IS NULL OR c.occurred_at >= y.before)
               AND NOT EXISTS (SELECT 1 FROM logbook_gone_events g
                               WHERE g.tenant_id = c.tenant_id AND g.occurred_at = c.occurred_at AND g.id = c.event_id)`,
            [input.contentSlices.map((s) => s.tenantId), input.contentSlices.map((s) => s.before)],
          );
          keptContents = kept.rowCount ?? 0;
          contentsGone = (
            await client.query<{ tenant_id: string; count: string }>(
              `SELECT a.tenant_id, a.n - coalesce(k.n, 0) AS count
               FROM (SELECT tenant_id, count(*) AS n FROM ${contents} GROUP BY 1) a
               LEFT JOIN (SELECT tenant_id, count(*) AS n FROM logbook_kept_contents GROUP BY 1) k USING (tenant_id)
               WHERE a.n > coalesce(k.n, 0)`,
            )
          ).rows;
        }
        await client.query(`TRUNCATE ${partitions}`);
        const eventColumns = await insertableColumns(client, input.events);
        await client.query(
          `INSERT INTO ${events} (${eventColumns}) SELECT ${eventColumns} FROM logbook_kept_events ORDER BY tenant_id, occurred_at, id`,
        );
        if (contents) {
          const contentColumns = await insertableColumns(client, input.contents!);
          await client.query(
            `INSERT INTO ${contents} (${contentColumns}) SELECT ${contentColumns} FROM logbook_kept_contents
             ORDER BY tenant_id, occurred_at, event_id`,
          );
        }
        return {
          rewritten: true,
          kept: (keptEvents.rowCount ?? 0) + keptContents,
          events: gone.rows.map((r) => ({ tenantId: r.tenant_id, kind: r.kind, count: Number(r.count) })),
          contents: contentsGone.map((r) => ({ tenantId: r.tenant_id, count: Number(r.count) })),
        };
      });
    } catch (error) {
      // lock_not_available: a repeatable-read reader is open, or someone reads the day; try again shortly.
      const busy = (error as { code?: string }).code === "55P03";
      if (busy && performance.now() < giveUpAt) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      // Rolled back: nothing changed.
      return { rewritten: false, reason: busy ? "busy" : (error as Error).message, kept: 0, events: [], contents: [] };
    }
  }
}
