import type { Db } from "@logbook/db/client";
import {
  type DailyPartition,
  detachPartition,
  dropDetachedDay,
  listDailyPartitions,
  partitionTenantKinds,
  partitionTenants,
} from "@logbook/db/queries/retention-partitions";
import type { TenantRetentionView } from "@logbook/db/queries/retention-settings";
import { type RetentionField, type RetentionKind, retentionCutoffs } from "@logbook/shared/retention";

const DAY_MS = 86_400_000;
/** How far back ingestion accepts events (MAX_AGE_DAYS = 400 in apps/api/src/ingest/ingest-events.ts), plus a day. */
const INGEST_WINDOW_DAYS = 401;

export interface DroppedCounts {
  /** Per tenant: events per kind and content rows that went with dropped partitions. */
  byTenant: Map<string, Partial<Record<RetentionField, number>>>;
  /** Partition tables dropped, and how long each day took (detach + check + drop), in seconds. */
  tables: string[];
  seconds: number[];
}

export interface DropOptions {
  retention: Map<string, TenantRetentionView>;
  now: Date;
  /** Tenants the run may delete for; a partition holding any other tenant stays. */
  inScope: (tenantId: string) => boolean;
}

/**
 * Drops the daily partitions whose every row is past its tenant's retention: an events partition when
 * each tenant and kind in it is past that kind's cutoff (its content partition goes with it), a
 * content partition alone when each tenant in it is past its content cutoff. A tenant on legal hold,
 * unknown, or out of scope keeps the partition. Partitions a stopped run left detached are finished first.
 */
export async function dropExpiredPartitions(db: Db, options: DropOptions): Promise<DroppedCounts> {
  const out: DroppedCounts = { byTenant: new Map(), tables: [], seconds: [] };
  const days = new Map<string, { events?: DailyPartition; contents?: DailyPartition }>();
  for (const p of await listDailyPartitions(db)) {
    const entry = days.get(p.day) ?? {};
    entry[p.parent === "events" ? "events" : "contents"] = p;
    days.set(p.day, entry);
  }
  const cutoffs = new Map([...options.retention].map(([id, r]) => [id, retentionCutoffs(r.days, options.now)]));

  for (const [day, { events, contents }] of days) {
    const dayEnd = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
    if (dayEnd > options.now.getTime()) break;
    const expired = (tenantId: string, field: RetentionField) => {
      const r = options.retention.get(tenantId);
      const c = cutoffs.get(tenantId);
      return !!r && !!c && !r.legalHold && options.inScope(tenantId) && dayEnd <= c[field].getTime();
    };
    const eventsExpired = (tk: { tenantId: string; kind: RetentionKind }[]) => tk.every((t) => expired(t.tenantId, t.kind));
    const contentsExpired = (tenants: string[], withEventsOf: Set<string>) =>
      tenants.every((t) => withEventsOf.has(t) || expired(t, "interaction_content"));
    const started = performance.now();

    // Tables a stopped run left detached (or half-detached) are finished first.
    const eventsLeft = !!events && (!events.attached || events.detachPending);
    const contentsLeft = !!contents && (!contents.attached || contents.detachPending);
    let target: { eventsTable?: string; contentsTable?: string } | null = null;
    if (eventsLeft || (!contentsLeft && events?.attached && (await worthDropping(db, events, eventsExpired)))) {
      // A whole day: the events partition with its content partition.
      for (const p of [events, contents]) if (p && (p.detachPending || p.attached)) await detachPartition(db, p);
      target = { eventsTable: events?.table, contentsTable: contents?.table };
    } else if (contents && (contentsLeft || contents.attached)) {
      const tenants = contentsLeft ? [] : await partitionTenants(db, contents.table);
      if (contentsLeft || (tenants.length > 0 && contentsExpired(tenants, new Set()))) {
        if (contents.detachPending || contents.attached) await detachPartition(db, contents);
        target = { contentsTable: contents.table };
      }
    }
    if (!target) continue;

    // Inside the window ingestion accepts (400 days back), an empty partition takes the day's place.
    const recreate = dayEnd > options.now.getTime() - INGEST_WINDOW_DAYS * DAY_MS;
    const result = await dropDetachedDay(db, { day, ...target, recreate }, ({ tenantKinds, contentTenants }) => {
      const withEvents = new Set(tenantKinds.map((t) => t.tenantId));
      return eventsExpired(tenantKinds) && contentsExpired(contentTenants, target.eventsTable ? withEvents : new Set());
    });
    if (!result.dropped) continue;
    out.tables.push(...[target.eventsTable, target.contentsTable].filter((t): t is string => !!t));
    out.seconds.push((performance.now() - started) / 1000);
    const add = (tenantId: string, field: RetentionField, n: number) => {
      const counts = out.byTenant.get(tenantId) ?? {};
      counts[field] = (counts[field] ?? 0) + n;
      out.byTenant.set(tenantId, counts);
    };
    for (const e of result.events) add(e.tenantId, e.kind, e.count);
    for (const c of result.contents) add(c.tenantId, "interaction_content", c.count);
  }
  return out;
}

/** An attached events partition with rows, every one of them past its tenant's cutoff. */
async function worthDropping(
  db: Db,
  partition: DailyPartition,
  eventsExpired: (tk: { tenantId: string; kind: RetentionKind }[]) => boolean,
): Promise<boolean> {
  const tenantKinds = await partitionTenantKinds(db, partition.table);
  return tenantKinds.length > 0 && eventsExpired(tenantKinds);
}
