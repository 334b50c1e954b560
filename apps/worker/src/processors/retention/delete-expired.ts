import type { Db } from "@logbook/db/client";
import { listDailyPartitions, partitionTenantKinds, partitionTenants } from "@logbook/db/queries/retention-partitions";
import {
  deleteExpiredEventsOfDay,
  expiredShareOfDay,
  type ForgottenHours,
  forgetRollupHours,
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
  /** How long a rewrite keeps trying for its locks before the day is deleted in batches instead. */
  rewriteLockWaitMs: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
  /** Called after each day rewritten, with the rows removed and kept and how long it took. */
  onRewrite?: (rewrite: { day: string; removed: number; kept: number; seconds: number }) => void;
}

/**
 * Bounded batch deletes where a day holds rows some tenants still keep: day by day, oldest first, the
 * content past each tenant's content cutoff, then the events past each tenant's cutoff for their kind
 * (with their content). Which tenants and kinds a day holds comes from a skip scan of its index.
 * Content and the whole hours before each event cutoff are swept from the day's partitions in page
 * order (sweepExpired*: each statement one range of pages, about `batchSize` rows, every page read
 * and dirtied once; no rollup trigger), and the rollups of those hours are then forgotten wholesale
 * (for every tenant with a cutoff, present or not, so a run that died in between leaves nothing
 * behind); the partial hour up to each cutoff goes through the index and the rollup trigger, in
 * batches of `batchSize` events. A day at least `rewriteShare` of whose events go in those whole hours
 * is rewritten instead of swept (rewriteExpiredDay: kept rows copied aside and put back, expired
 * content with them), then its rollups are forgotten and its partial hour deleted as above. Every
 * statement commits on its own. Returns the rows deleted.
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
  /**
   * Sweeps a partition's pages in order, about `batchSize` rows per statement; then once more over the
   * pages it has by then, for rows written behind the first round (into pages it had passed, or new
   * ones). Whatever comes during the second round goes at the next run.
   */
  const sweep = async (day: string, table: string, statement: (fromPage: number, toPage: number) => Promise<number>) => {
    for (let round = 0; round < 2; round++) {
      const { pages, rowsPerPage } = await partitionPages(db, table);
      const step = Math.max(1, Math.floor(options.batchSize / rowsPerPage));
      for (let from = 0; from < pages; from += step) {
        const rows = await statement(from, Math.min(pages, from + step));
        deleted += rows;
        if (rows > 0) await options.afterBatch?.({ day, rows });
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
    const contentTenants = tables.contents ? await partitionTenants(db, tables.contents) : [];
    const contentSlices = contentTenants.flatMap((tenantId) => {
      const b = before(tenantId, "interaction_content");
      return b ? [{ tenantId, before: b }] : [];
    });

    // A mostly expired day is rewritten (kept rows copied back) rather than deleted row by row.
    let rewritten = false;
    if (tables.events && wholeSlices.length > 0 && options.rewriteShare <= 1) {
      const share = await expiredShareOfDay(db, { partition: tables.events, slices: wholeSlices });
      if (share.expired > 0 && share.expired >= options.rewriteShare * share.total) {
        const t0 = performance.now();
        const result = await rewriteExpiredDay(db, {
          events: tables.events,
          contents: tables.contents,
          slices: wholeSlices,
          contentSlices,
          lockWaitMs: options.rewriteLockWaitMs,
        });
        const seconds = (performance.now() - t0) / 1000;
        if (!result.rewritten) {
          options.log?.("retention rewrite skipped, deleting in batches", { day, reason: result.reason });
        } else {
          rewritten = true;
          for (const g of result.events) options.add(g.tenantId, g.kind, g.count);
          for (const g of result.contents) options.add(g.tenantId, "interaction_content", g.count);
          const removed = [...result.events, ...result.contents].reduce((n, g) => n + g.count, 0);
          deleted += removed;
          options.onRewrite?.({ day, removed, kept: result.kept, seconds });
          if (removed > 0) await options.afterBatch?.({ day, rows: removed });
        }
      }
    }

    // Content first: questions and answers go at their own, earlier cutoff; the event rows stay.
    if (tables.contents && !rewritten && contentSlices.length > 0) {
      const contents = tables.contents;
      await sweep(day, contents, async (fromPage, toPage) => {
        const gone = await sweepExpiredContent(db, { contents, slices: contentSlices, fromPage, toPage });
        for (const g of gone) options.add(g.tenantId, "interaction_content", g.count);
        return gone.reduce((n, g) => n + g.count, 0);
      });
    }
    if (tables.events) {
      // The whole hours: swept from the partition (no rollup trigger), then their rollups forgotten.
      if (!rewritten && wholeSlices.length > 0) {
        const events = tables.events;
        await sweep(day, events, async (fromPage, toPage) => {
          const gone = await sweepExpiredEvents(db, { events, contents: tables.contents, slices: wholeSlices, fromPage, toPage });
          for (const g of gone.events) options.add(g.tenantId, g.kind, g.count);
          for (const g of gone.contents) options.add(g.tenantId, "interaction_content", g.count);
          return [...gone.events, ...gone.contents].reduce((n, g) => n + g.count, 0);
        });
      }
      const forgotten: ForgottenHours[] = [...cutoffs.keys()].flatMap((tenantId) =>
        retentionKinds.flatMap((kind) => {
          const b = wholeBefore(tenantId, kind);
          return b ? [{ tenantId, kind, from: new Date(start), to: b }] : [];
        }),
      );
      await forgetRollupHours(db, forgotten);
      // The partial hour up to each cutoff, through the index and the rollup trigger, in batches.
      const partial = present.flatMap(({ tenantId, kind }) => {
        const b = before(tenantId, kind);
        const from = wholeBefore(tenantId, kind) ?? new Date(start);
        return b && b.getTime() > from.getTime() ? [{ tenantId, kind, from, before: b }] : [];
      });
      for (let more = partial.length > 0; more; ) {
        const gone = await deleteExpiredEventsOfDay(db, { day, slices: partial, limit: options.batchSize });
        for (const g of gone.events) options.add(g.tenantId, g.kind, g.count);
        for (const g of gone.contents) options.add(g.tenantId, "interaction_content", g.count);
        const events = gone.events.reduce((n, g) => n + g.count, 0);
        const rows = events + gone.contents.reduce((n, g) => n + g.count, 0);
        deleted += rows;
        if (rows > 0) await options.afterBatch?.({ day, rows });
        // The batch limit counts events; their content rows come along.
        more = events >= options.batchSize;
      }
    }
  }
  return deleted;
}
