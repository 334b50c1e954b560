import type { Db } from "@logbook/db/client";
import { listDailyPartitions, partitionTenantKinds, partitionTenants } from "@logbook/db/queries/retention-partitions";
import {
  type ForgottenHours,
  forgetRollupHours,
  markHoursPending,
  recountPendingHours,
} from "@logbook/db/queries/retention-rollup-hours";
import {
  deleteExpiredEventsOfDay,
  expiredShareOfDay,
  type GoneCounts,
  partitionPages,
  rewriteExpiredDay,
  sweepExpiredContent,
  sweepExpiredEvents,
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
  /**
   * Rewrite a day's partitions (rewriteExpiredDay) instead of deleting in batches when at least this
   * share of its events goes in whole hours; above 1, never.
   */
  rewriteShare: number;
  /** Sweep a day's pages when at least this share of its events goes in whole hours (less: through the index). */
  sweepShare: number;
  /** How long a rewrite keeps trying for its locks before the day is swept instead. */
  rewriteLockWaitMs: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
  /** Called after each day rewritten, with the rows removed and kept and how long it took. */
  onRewrite?: (rewrite: { day: string; removed: number; kept: number; seconds: number }) => void;
}

/**
 * Bounded batch deletes where a day holds rows some tenants still keep: day by day, oldest first, the
 * events past each tenant's cutoff for their kind, then the content past each tenant's content cutoff
 * (which takes the swept events' content too). Which tenants and kinds a day holds comes from a skip
 * scan of its index, how much of the day goes in whole hours from a sample of its pages
 * (expiredShareOfDay). The whole hours before each event cutoff of a day at least `sweepShare` of which
 * goes, and the content, are swept from the day's partitions in page order (sweepExpired*: each
 * statement at most `batchSize` rows of a range of about as many rows' pages, read in order; no rollup
 * trigger); a day at least `rewriteShare` of which goes is rewritten instead (rewriteExpiredDay: kept
 * rows copied aside and put back, expired content with them). What remains — the partial hour up to
 * each cutoff, and the whole hours of a day little of which goes — goes through the index and the
 * parent's rollup trigger, in batches of `batchSize` events. Then the rollups of the whole hours are
 * forgotten wholesale (for every tenant with a cutoff, present or not). The hours a sweep or rewrite
 * empties are marked pending first and unmarked by that forget; the run begins by counting again the
 * hours a stopped run left marked (recountPendingHours), whatever the tenant's retention is now.
 * Every statement commits on its own. Returns the rows deleted.
 */
export async function deleteExpiredRows(db: Db, options: DeleteOptions): Promise<number> {
  // Hours a stopped run emptied (in whole or in part) without forgetting their rollups: counted again
  // from what they hold, before anything else, whatever the tenant's retention has become.
  const recounted = await recountPendingHours(db, options.inScope);
  if (recounted.length > 0) options.log?.("retention recounted hours a stopped run left", { ranges: recounted.length });
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
  /** Counts what a committed statement removed, tells `afterBatch`, returns the rows (events and content). */
  const record = async (day: string, gone: GoneCounts) => {
    for (const g of gone.events) options.add(g.tenantId, g.kind, g.count);
    for (const g of gone.contents) options.add(g.tenantId, "interaction_content", g.count);
    const rows = [...gone.events, ...gone.contents].reduce((n, g) => n + g.count, 0);
    deleted += rows;
    if (rows > 0) await options.afterBatch?.({ day, rows });
    return rows;
  };
  /**
   * Sweeps a partition's pages in order, about `batchSize` rows per statement; then once more over the
   * pages it has by then, for rows written behind the first round (into pages it had passed, or new
   * ones). Whatever comes during the second round goes at the next run.
   */
  const sweep = async (day: string, table: string, statement: (fromPage: number, toPage: number) => Promise<GoneCounts>) => {
    for (let round = 0; round < 2; round++) {
      const { pages, rowsPerPage } = await partitionPages(db, table);
      const step = Math.max(1, Math.floor(options.batchSize / rowsPerPage));
      for (let from = 0; from < pages; from += step) {
        // A range again while a full batch went (at most `batchSize` rows per statement).
        for (let full = true; full; ) {
          const rows = await record(day, await statement(from, Math.min(pages, from + step)));
          full = rows >= options.batchSize;
        }
      }
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
    // The whole hours before each cutoff (null when none is whole): they go without the rollup trigger.
    const wholeBefore = (tenantId: string, kind: RetentionKind) => {
      const b = before(tenantId, kind);
      const hour = b && floorHour(b);
      return hour && hour.getTime() > start ? hour : null;
    };
    const present = tables.events ? await partitionTenantKinds(db, tables.events) : [];
    const wholeSlices = present.flatMap(({ tenantId, kind }) => {
      const b = wholeBefore(tenantId, kind);
      return b ? [{ tenantId, kind, before: b }] : [];
    });
    /** The content partition's tenants with a content cutoff in this day, as they are when asked. */
    const contentSlicesNow = async () =>
      (tables.contents ? await partitionTenants(db, tables.contents) : []).flatMap((tenantId) => {
        const b = before(tenantId, "interaction_content");
        return b ? [{ tenantId, before: b }] : [];
      });

    // How the whole expired hours go: a day mostly expired is rewritten (kept rows copied back), a
    // day with a fair share expired is swept page by page, a little goes through the index.
    let removal: "rewrite" | "sweep" | "index" = "index";
    if (tables.events && wholeSlices.length > 0) {
      const share = await expiredShareOfDay(db, { partition: tables.events, slices: wholeSlices });
      if (share.expired > 0 && share.expired >= options.rewriteShare * share.total) removal = "rewrite";
      else if (share.expired > 0 && share.expired >= options.sweepShare * share.total) removal = "sweep";
    }
    // Rewrites and sweeps skip the rollup trigger: their hours are marked first, and unmarked when
    // their rollups are forgotten below, so a run stopped in between leaves them to be counted again.
    if (removal !== "index") {
      await markHoursPending(
        db,
        wholeSlices.map((s) => ({ tenantId: s.tenantId, kind: s.kind, from: new Date(start), to: s.before })),
      );
    }
    if (removal === "rewrite" && tables.events) {
      const t0 = performance.now();
      const result = await rewriteExpiredDay(db, {
        events: tables.events,
        contents: tables.contents,
        slices: wholeSlices,
        contentSlices: await contentSlicesNow(),
        lockWaitMs: options.rewriteLockWaitMs,
      });
      if (!result.rewritten) {
        options.log?.("retention rewrite skipped, sweeping", { day, reason: result.reason });
        removal = "sweep";
      } else {
        const seconds = (performance.now() - t0) / 1000;
        options.onRewrite?.({ day, removed: await record(day, result), kept: result.kept, seconds });
      }
    }

    // Swept whole hours go from the partition itself (no rollup trigger); their rollups are forgotten below.
    if (tables.events && removal === "sweep") {
      const events = tables.events;
      await sweep(day, events, (fromPage, toPage) =>
        sweepExpiredEvents(db, { events, slices: wholeSlices, fromPage, toPage, limit: options.batchSize }),
      );
    }
    // Content at its own cutoff, never later than its event's: questions and answers go while the event
    // rows stay, and the content of every event the sweep just removed goes too (it is older than the
    // content cutoff), so the sweep itself need not look for content (an index probe per interaction,
    // about as dear as the event's delete). Its tenants are read after the sweep: content written into
    // the day meanwhile, with an event the sweep's second round took, is theirs too.
    const contentSlices = removal === "rewrite" ? [] : await contentSlicesNow();
    if (tables.contents && contentSlices.length > 0) {
      const contents = tables.contents;
      await sweep(day, contents, (fromPage, toPage) =>
        sweepExpiredContent(db, { contents, slices: contentSlices, fromPage, toPage, limit: options.batchSize }),
      );
    }
    if (tables.events) {
      // Through the index and the rollup trigger, in batches: the partial hour up to each cutoff, and
      // the whole hours too when they were neither swept nor rewritten.
      const rest = present.flatMap(({ tenantId, kind }) => {
        const b = before(tenantId, kind);
        const from = (removal !== "index" && wholeBefore(tenantId, kind)) || new Date(start);
        return b && b.getTime() > from.getTime() ? [{ tenantId, kind, from, before: b }] : [];
      });
      for (let more = rest.length > 0; more; ) {
        const gone = await deleteExpiredEventsOfDay(db, { day, slices: rest, limit: options.batchSize });
        await record(day, gone);
        // The batch limit counts events; their content rows come along.
        more = gone.events.reduce((n, g) => n + g.count, 0) >= options.batchSize;
      }
      // Then the rollups of the whole hours are forgotten (after the trigger's deletes, so none of its
      // arithmetic lands in a forgotten hour): for every tenant with a cutoff, present or not, so a run
      // stopped after a sweep and before this leaves nothing behind.
      const forgotten: ForgottenHours[] = [...cutoffs.keys()].flatMap((tenantId) =>
        retentionKinds.flatMap((kind) => {
          const b = wholeBefore(tenantId, kind);
          return b ? [{ tenantId, kind, from: new Date(start), to: b }] : [];
        }),
      );
      await forgetRollupHours(db, forgotten);
    }
  }
  return deleted;
}
