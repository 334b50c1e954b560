import type { RetentionKind } from "@logbook/shared/retention";
import type { PoolClient } from "pg";
import type { Db } from "../client";

/**
 * What the retention job does to the event store: bounded batch deletes inside a tenant's transaction
 * (the delete triggers keep the rollups right), and whole daily partitions detached without blocking
 * ingestion (DETACH … CONCURRENTLY), checked again once detached, then dropped with their rollups.
 */

/**
 * Runs `fn` in a transaction with `logbook.retention = on`, the only way DELETE passes the guard. It
 * runs as the worker's own role, across tenants: every statement names its tenants explicitly.
 */
async function inRetentionTx<T>(db: Db, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.$client.connect();
  try {
    // Read committed: each statement's snapshot is taken after the locks it waited for.
    await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
    await client.query(
      // synchronous_commit off: a batch lost to a crash before its WAL reached disk is simply deleted
      // again by the next run, so its commit need not wait for the flush (ingestion's commits do).
      "SELECT set_config('logbook.retention', 'on', true), set_config('jit', 'off', true), set_config('synchronous_commit', 'off', true)",
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

/**
 * Deletes up to `limit` expired events of one UTC day, across the given tenants and kinds, with their
 * content in the same statement (content never outlives its event). The day's bounds prune the
 * statement to one partition, so planning stays cheap however many days are kept; one short
 * transaction per batch (row locks on old rows only: ingestion never waits). The delete triggers keep
 * the rollups right — unless `forgetRollupsIn` names the day's partitions: a statement on a partition
 * fires no statement trigger of the parent, so the rollups are left alone, and the caller, whose slices
 * end on an hour and empty their hours entirely, forgets those hours' rollups afterwards
 * (forgetRollupHours) — a few index probes instead of arithmetic per row. A partition named directly
 * also plans in a few ms where the parents take ~40 (every day's partition planned, then pruned at run
 * time). Returns what went, per tenant and kind.
 */
export async function deleteExpiredEventsOfDay(
  db: Db,
  input: {
    day: string;
    slices: ExpiredSlice[];
    limit: number;
    /** The day's partitions, to delete from directly, leaving the rollups to the caller. */
    forgetRollupsIn?: { events: string; contents?: string };
  },
): Promise<{
  events: { tenantId: string; kind: RetentionKind; count: number }[];
  contents: { tenantId: string; count: number }[];
}> {
  const [from, to] = dayBounds(input.day);
  const direct = input.forgetRollupsIn;
  const eventsTable = direct ? ident(direct.events) : "events";
  const contentsTable = direct?.contents ? ident(direct.contents) : "event_contents";
  return inRetentionTx(db, async (client) => {
    const result = await client.query<{
      what: "events" | "contents";
      tenant_id: string;
      kind: RetentionKind | null;
      count: string;
    }>(
      `WITH expired AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)
       ), victims AS (
         SELECT v.tenant_id, v.occurred_at, v.id FROM expired x
         CROSS JOIN LATERAL (
           SELECT e.tenant_id, e.occurred_at, e.id FROM ${eventsTable} e
           WHERE e.tenant_id = x.tenant_id AND e.kind = x.kind AND e.occurred_at >= $4 AND e.occurred_at < x.before
             AND e.occurred_at < $5
         ) v
         LIMIT $6
       ), gone AS (
         DELETE FROM ${eventsTable} e USING victims v
         WHERE e.tenant_id = v.tenant_id AND e.occurred_at = v.occurred_at AND e.id = v.id
           AND e.occurred_at >= $4 AND e.occurred_at < $5
         RETURNING e.tenant_id, e.kind, e.occurred_at, e.id
       ), content AS (
         DELETE FROM ${contentsTable} c USING gone g
         WHERE c.tenant_id = g.tenant_id AND c.occurred_at = g.occurred_at AND c.event_id = g.id
           AND c.occurred_at >= $4 AND c.occurred_at < $5
         RETURNING c.tenant_id
       )
       SELECT 'events' AS what, tenant_id, kind, count(*) AS count FROM gone GROUP BY tenant_id, kind
       UNION ALL
       SELECT 'contents', tenant_id, NULL, count(*) FROM content GROUP BY tenant_id`,
      [
        input.slices.map((s) => s.tenantId),
        input.slices.map((s) => s.kind),
        input.slices.map((s) => s.before),
        from,
        to,
        input.limit,
      ],
    );
    return {
      events: result.rows
        .filter((r) => r.what === "events")
        .map((r) => ({ tenantId: r.tenant_id, kind: r.kind as RetentionKind, count: Number(r.count) })),
      contents: result.rows.filter((r) => r.what === "contents").map((r) => ({ tenantId: r.tenant_id, count: Number(r.count) })),
    };
  });
}

/** How much of one day's events partition the given slices would delete (a scan, no lock). */
export async function expiredShareOfDay(db: Db, input: { partition: string; slices: ExpiredSlice[] }) {
  const { rows } = await db.$client.query<{ expired: string; total: string }>(
    `SELECT count(*) FILTER (WHERE e.occurred_at < x.before) AS expired, count(*) AS total
     FROM ${ident(input.partition)} e
     LEFT JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(tenant_id, kind, before)
       ON x.tenant_id = e.tenant_id AND x.kind = e.kind`,
    [input.slices.map((s) => s.tenantId), input.slices.map((s) => s.kind), input.slices.map((s) => s.before)],
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
 * false: the caller deletes in batches instead.
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
): Promise<{
  rewritten: boolean;
  /** Why not, when not. */
  reason?: string;
  /** Events and content rows put back. */
  kept: number;
  events: { tenantId: string; kind: RetentionKind; count: number }[];
  contents: { tenantId: string; count: number }[];
}> {
  const events = ident(input.events);
  const contents = input.contents ? ident(input.contents) : null;
  const partitions = [events, contents].filter(Boolean).join(", ");
  const giveUpAt = performance.now() + input.lockWaitMs;
  for (;;) {
    try {
      return await inRetentionTx(db, async (client) => {
        await client.query("LOCK TABLE logbook_rewrite_gate IN ACCESS EXCLUSIVE MODE NOWAIT");
        await client.query(`LOCK TABLE ${partitions} IN ACCESS EXCLUSIVE MODE NOWAIT`);
        const slices = [input.slices.map((s) => s.tenantId), input.slices.map((s) => s.kind), input.slices.map((s) => s.before)];
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

/** Whole hours [from, to) of a tenant's kind whose events are gone. */
export interface ForgottenHours {
  tenantId: string;
  kind: RetentionKind;
  from: Date;
  to: Date;
}

/**
 * Forgets the rollups (counts, tokens, user sketches) of whole hours emptied by deletes that skipped
 * the rollup trigger (logbook_retention_forget_hours). Idempotent. Returns the rollup rows removed.
 */
export async function forgetRollupHours(db: Db, ranges: ForgottenHours[]): Promise<number> {
  if (ranges.length === 0) return 0;
  const { rows } = await db.$client.query<{ removed: string }>(
    "SELECT logbook_retention_forget_hours($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS removed",
    [ranges.map((r) => r.tenantId), ranges.map((r) => r.kind), ranges.map((r) => r.from), ranges.map((r) => r.to)],
  );
  return Number(rows[0]!.removed);
}

/** Deletes up to `limit` content rows (questions, answers) of one UTC day older than each tenant's `before`. */
export async function deleteExpiredContentOfDay(
  db: Db,
  input: {
    day: string;
    slices: { tenantId: string; before: Date }[];
    limit: number;
    /** The day's content partition, named directly (plans in a few ms; no statement trigger involved). */
    partition?: string;
  },
): Promise<{ tenantId: string; count: number }[]> {
  const [from, to] = dayBounds(input.day);
  const table = input.partition ? ident(input.partition) : "event_contents";
  return inRetentionTx(db, async (client) => {
    const result = await client.query<{ tenant_id: string; count: string }>(
      `WITH expired AS (
         SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS x(tenant_id, before)
       ), victims AS (
         SELECT v.tenant_id, v.occurred_at, v.event_id FROM expired x
         CROSS JOIN LATERAL (
           SELECT c.tenant_id, c.occurred_at, c.event_id FROM ${table} c
           WHERE c.tenant_id = x.tenant_id AND c.occurred_at >= $3 AND c.occurred_at < x.before AND c.occurred_at < $4
         ) v
         LIMIT $5
       ), gone AS (
         DELETE FROM ${table} c USING victims v
         WHERE c.tenant_id = v.tenant_id AND c.occurred_at = v.occurred_at AND c.event_id = v.event_id
           AND c.occurred_at >= $3 AND c.occurred_at < $4
         RETURNING c.tenant_id
       )
       SELECT tenant_id, count(*) AS count FROM gone GROUP BY tenant_id`,
      [input.slices.map((s) => s.tenantId), input.slices.map((s) => s.before), from, to, input.limit],
    );
    return result.rows.map((r) => ({ tenantId: r.tenant_id, count: Number(r.count) }));
  });
}

export type PartitionParent = "events" | "event_contents";

export interface DailyPartition {
  table: string;
  parent: PartitionParent;
  /** The UTC day it holds, YYYY-MM-DD: [day 00:00, next day 00:00). */
  day: string;
  /** Still a partition of its parent (false: detached by a run that stopped before dropping it). */
  attached: boolean;
  /** A DETACH … CONCURRENTLY that did not finish. */
  detachPending: boolean;
}

/** Every daily partition table of events and event_contents (attached or left detached), oldest first. */
export async function listDailyPartitions(db: Db): Promise<DailyPartition[]> {
  const result = await db.$client.query<{ relname: string; attached: boolean; detach_pending: boolean }>(
    `SELECT c.relname, i.inhrelid IS NOT NULL AS attached, coalesce(i.inhdetachpending, false) AS detach_pending
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
     LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
     WHERE c.relkind = 'r' AND c.relname ~ '^(events|event_contents)_p[0-9]{8}$'
     ORDER BY substring(c.relname from '[0-9]{8}$'), c.relname`,
  );
  return result.rows.map((r) => {
    const digits = r.relname.slice(-8);
    return {
      table: r.relname,
      parent: r.relname.startsWith("events_") ? "events" : "event_contents",
      day: `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`,
      attached: r.attached,
      detachPending: r.detach_pending,
    };
  });
}

/** Tenants and kinds with rows in one events partition (a skip scan of its index). */
export async function partitionTenantKinds(db: Db, table: string): Promise<{ tenantId: string; kind: RetentionKind }[]> {
  const result = await db.$client.query<{ tenant_id: string; kind: RetentionKind }>(
    "SELECT tenant_id, kind FROM logbook_partition_tenant_kinds($1::regclass)",
    [table],
  );
  return result.rows.map((r) => ({ tenantId: r.tenant_id, kind: r.kind }));
}

/** Tenants with rows in one event_contents partition. */
export async function partitionTenants(db: Db, table: string): Promise<string[]> {
  const result = await db.$client.query<{ tenant_id: string }>("SELECT tenant_id FROM logbook_partition_tenants($1::regclass)", [
    table,
  ]);
  return result.rows.map((r) => r.tenant_id);
}

const ident = (name: string) => {
  if (!/^(events|event_contents)_p[0-9]{8}$/.test(name)) throw new Error(`not a daily partition: ${name}`);
  return `"${name}"`;
};

/**
 * Detaches a partition without blocking ingestion: DETACH … CONCURRENTLY takes only a SHARE UPDATE
 * EXCLUSIVE lock on the parent and waits for transactions that may use the partition. One left pending
 * by an interrupted run is finished (FINALIZE).
 */
export async function detachPartition(db: Db, partition: Pick<DailyPartition, "table" | "parent" | "detachPending">) {
  const mode = partition.detachPending ? "FINALIZE" : "CONCURRENTLY";
  await db.$client.query(`ALTER TABLE ${partition.parent} DETACH PARTITION ${ident(partition.table)} ${mode}`);
}

export interface DetachedDay {
  day: string;
  /** Detached events_pDAY, if it is to go. */
  eventsTable?: string;
  /** Detached event_contents_pDAY, if it is to go. */
  contentsTable?: string;
  /**
   * Put an empty partition in its place (the day is still inside the window ingestion accepts): a
   * back-dated event of a tenant that keeps that day must find a partition, also in an API process
   * that remembers having created it. Created apart and attached (SHARE UPDATE EXCLUSIVE on the
   * parent), never CREATE … PARTITION OF, which would lock out ingestion for a moment.
   */
  recreate?: boolean;
}

export interface DroppedDay {
  dropped: boolean;
  /** Events per tenant and kind that went with the partition. */
  events: { tenantId: string; kind: RetentionKind; count: number }[];
  /** Content rows per tenant that went with the partition. */
  contents: { tenantId: string; count: number }[];
}

const bounds = (day: string) => {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return `FOR VALUES FROM ('${day} 00:00:00+00') TO ('${next} 00:00:00+00')`;
};

/**
 * Drops detached partitions of one day in one transaction: asks `stillExpired` again with what the
 * detached tables hold (a back-dated insert may have landed before the detach); if any row is still
 * inside retention, the tables are attached again and nothing is lost. Otherwise the day's rollups
 * go with them (logbook_retention_forget_day).
 */
export async function dropDetachedDay(
  db: Db,
  day: DetachedDay,
  stillExpired: (present: { tenantKinds: { tenantId: string; kind: RetentionKind }[]; contentTenants: string[] }) => boolean,
): Promise<DroppedDay> {
  const client = await db.$client.connect();
  try {
    await client.query("BEGIN");
    const tables = [day.eventsTable, day.contentsTable].filter((t): t is string => !!t);
    await client.query(`LOCK TABLE ${tables.map(ident).join(", ")} IN ACCESS EXCLUSIVE MODE`);
    const tenantKinds = day.eventsTable
      ? (
          await client.query<{ tenant_id: string; kind: RetentionKind }>(
            "SELECT tenant_id, kind FROM logbook_partition_tenant_kinds($1::regclass)",
            [day.eventsTable],
          )
        ).rows.map((r) => ({ tenantId: r.tenant_id, kind: r.kind }))
      : [];
    const contents = day.contentsTable
      ? (
          await client.query<{ tenant_id: string; count: string }>(
            `SELECT tenant_id, count(*) AS count FROM ${ident(day.contentsTable)} GROUP BY tenant_id`,
          )
        ).rows.map((r) => ({ tenantId: r.tenant_id, count: Number(r.count) }))
      : [];
    if (!stillExpired({ tenantKinds, contentTenants: contents.map((c) => c.tenantId) })) {
      if (day.eventsTable) await client.query(`ALTER TABLE events ATTACH PARTITION ${ident(day.eventsTable)} ${bounds(day.day)}`);
      if (day.contentsTable) {
        await client.query(`ALTER TABLE event_contents ATTACH PARTITION ${ident(day.contentsTable)} ${bounds(day.day)}`);
      }
      await client.query("COMMIT");
      return { dropped: false, events: [], contents: [] };
    }
    let events: DroppedDay["events"] = [];
    if (day.eventsTable) {
      const tenants = [...new Set(tenantKinds.map((t) => t.tenantId))];
      const forgotten = await client.query<{ tenant_id: string; kind: RetentionKind; events: string }>(
        "SELECT tenant_id, kind, events FROM logbook_retention_forget_day($1::date, $2::text[])",
        [day.day, tenants],
      );
      events = forgotten.rows.map((r) => ({ tenantId: r.tenant_id, kind: r.kind, count: Number(r.events) }));
    }
    await client.query(`DROP TABLE ${tables.map(ident).join(", ")}`);
    if (day.recreate) {
      for (const [table, parent] of [
        [day.eventsTable, "events"],
        [day.contentsTable, "event_contents"],
      ] as const) {
        if (!table) continue;
        await client.query(
          `CREATE TABLE ${ident(table)} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)`,
        );
        await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${ident(table)} ${bounds(day.day)}`);
      }
    }
    await client.query("COMMIT");
    return { dropped: true, events, contents };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
