import type { RetentionKind } from "@logbook/shared/retention";
import type { Db } from "../client";

/**
 * The daily partitions of events and event_contents as retention sees them: listed (attached or left
 * detached), what tenants and kinds each holds, detached without blocking ingestion (DETACH …
 * CONCURRENTLY), checked again once detached, then dropped with their rollups.
 */

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

/** A daily partition's name, checked and quoted for SQL (the only names retention interpolates). */
export const partitionIdent = (name: string) => {
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
  await db.$client.query(`ALTER TABLE ${partition.parent} DETACH PARTITION ${partitionIdent(partition.table)} ${mode}`);
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
    await client.query(`LOCK TABLE ${tables.map(partitionIdent).join(", ")} IN ACCESS EXCLUSIVE MODE`);
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
            `SELECT tenant_id, count(*) AS count FROM ${partitionIdent(day.contentsTable)} GROUP BY tenant_id`,
          )
        ).rows.map((r) => ({ tenantId: r.tenant_id, count: Number(r.count) }))
      : [];
    if (!stillExpired({ tenantKinds, contentTenants: contents.map((c) => c.tenantId) })) {
      if (day.eventsTable)
        await client.query(`ALTER TABLE events ATTACH PARTITION ${partitionIdent(day.eventsTable)} ${bounds(day.day)}`);
      if (day.contentsTable) {
        await client.query(`ALTER TABLE event_contents ATTACH PARTITION ${partitionIdent(day.contentsTable)} ${bounds(day.day)}`);
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
    await client.query(`DROP TABLE ${tables.map(partitionIdent).join(", ")}`);
    if (day.recreate) {
      for (const [table, parent] of [
        [day.eventsTable, "events"],
        [day.contentsTable, "event_contents"],
      ] as const) {
        if (!table) continue;
        await client.query(
          `CREATE TABLE ${partitionIdent(table)} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)`,
        );
        await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${partitionIdent(table)} ${bounds(day.day)}`);
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
