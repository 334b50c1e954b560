import type { Db } from "@logbook/db/client";
import {
  deleteExpiredContentOfDay,
  deleteExpiredEventsOfDay,
  type ExpiredSlice,
  type ForgottenHours,
  forgetRollupHours,
  listDailyPartitions,
  partitionTenantKinds,
  partitionTenants,
} from "@logbook/db/queries/retention-run";
import { floorHour } from "@logbook/db/queries/event-rollups";
import type { TenantRetentionView } from "@logbook/db/queries/retention-settings";
import {
  type RetentionCutoffs,
  type RetentionField,
  type RetentionKind,
  retentionCutoffs,
  retentionKinds,
} from "@logbook/shared/retention";

const DAY_MS = 86_400_000;

export interface DeleteOptions {
  retention: Map<string, TenantRetentionView>;
  now: Date;
  inScope: (tenantId: string) => boolean;
  batchSize: number;
  add: (tenantId: string, field: RetentionField, n: number) => void;
  afterBatch?: (batch: { day: string; rows: number }) => void | Promise<void>;
}

/**
 * Bounded batch deletes where a day holds rows some tenants still keep: day by day, oldest first, the
 * content past each tenant's content cutoff, then the events past each tenant's cutoff for their kind
 * (with their content). Which tenants and kinds a day holds comes from a skip scan of its index; each
 * batch is one statement pruned to that day's partition. Events go in two passes: the whole hours
 * before each cutoff without the rollup trigger, whose rollups are then forgotten wholesale (for every
 * tenant with a cutoff, present or not, so a run that died in between leaves nothing behind), then the
 * partial hour up to the cutoff itself through the trigger. Returns the rows deleted.
 */
export async function deleteExpiredRows(db: Db, options: DeleteOptions): Promise<number> {
  const cutoffs = new Map<string, RetentionCutoffs>();
  for (const [tenantId, r] of options.retention) {
    if (options.inScope(tenantId) && !r.legalHold) cutoffs.set(tenantId, retentionCutoffs(r.days, options.now));
  }
  const latest = Math.max(0, ...[...cutoffs.values()].flatMap((c) => Object.values(c).map((d) => d.getTime())));
  const days = new Map<string, { events?: string; contents?: string }>();
  for (const p of await listDailyPartitions(db)) {
    if (!p.attached || p.detachPending || Date.parse(`${p.day}T00:00:00Z`) >= latest) continue;
    const entry = days.get(p.day) ?? {};
    entry[p.parent === "events" ? "events" : "contents"] = p.table;
    days.set(p.day, entry);
  }

  let deleted = 0;
  const drain = async (day: string, batch: () => Promise<number>) => {
    for (;;) {
      const rows = await batch();
      deleted += rows;
      if (rows > 0) await options.afterBatch?.({ day, rows });
      if (rows < options.batchSize) break;
    }
  };
  for (const [day, tables] of days) {
    const start = Date.parse(`${day}T00:00:00Z`);
    const before = (tenantId: string, field: RetentionField) => {
      const c = cutoffs.get(tenantId);
      if (!c) return null;
      const upTo = Math.min(start + DAY_MS, c[field].getTime());
      return upTo > start ? new Date(upTo) : null;
    };
    // Content first: questions and answers go at their own, earlier cutoff; the event rows stay.
    if (tables.contents) {
      const slices = (await partitionTenants(db, tables.contents)).flatMap((tenantId) => {
        const b = before(tenantId, "interaction_content");
        return b ? [{ tenantId, before: b }] : [];
      });
      if (slices.length > 0) {
        await drain(day, async () => {
          const gone = await deleteExpiredContentOfDay(db, {
            day,
            slices,
            limit: options.batchSize,
            partition: tables.contents,
          });
          for (const g of gone) options.add(g.tenantId, "interaction_content", g.count);
          return gone.reduce((n, g) => n + g.count, 0);
        });
      }
    }
    if (tables.events) {
      const present = await partitionTenantKinds(db, tables.events);
      const partitions = { events: tables.events, contents: tables.contents };
      const eventsPass = async (slices: ExpiredSlice[], forgetRollups: boolean) => {
        if (slices.length === 0) return;
        await drain(day, async () => {
          const gone = await deleteExpiredEventsOfDay(db, {
            day,
            slices,
            limit: options.batchSize,
            forgetRollupsIn: forgetRollups ? partitions : undefined,
          });
          for (const g of gone.events) options.add(g.tenantId, g.kind, g.count);
          for (const g of gone.contents) options.add(g.tenantId, "interaction_content", g.count);
          // The batch limit counts events; their content rows come along.
          deleted += gone.contents.reduce((n, g) => n + g.count, 0);
          return gone.events.reduce((n, g) => n + g.count, 0);
        });
      };
      // The whole hours of a slice: up to the hour its cutoff falls in (null when none is whole).
      const wholeBefore = (tenantId: string, kind: RetentionKind) => {
        const b = before(tenantId, kind);
        const hour = b && floorHour(b);
        return hour && hour.getTime() > start ? hour : null;
      };
      await eventsPass(
        present.flatMap(({ tenantId, kind }) => {
          const b = wholeBefore(tenantId, kind);
          return b ? [{ tenantId, kind, before: b }] : [];
        }),
        true,
      );
      const forgotten: ForgottenHours[] = [...cutoffs.keys()].flatMap((tenantId) =>
        retentionKinds.flatMap((kind) => {
          const b = wholeBefore(tenantId, kind);
          return b ? [{ tenantId, kind, from: new Date(start), to: b }] : [];
        }),
      );
      await forgetRollupHours(db, forgotten);
      await eventsPass(
        present.flatMap(({ tenantId, kind }) => {
          const b = before(tenantId, kind);
          return b ? [{ tenantId, kind, before: b }] : [];
        }),
        false,
      );
    }
  }
  return deleted;
}
