import type { Db } from "@logbook/db/client";
import { insertEvents } from "@logbook/db/queries/events";
import { listTenantRetention, type TenantRetentionView } from "@logbook/db/queries/retention-settings";
import type { EnforceRetentionPayload } from "@logbook/shared/jobs/retention";
import { RETENTION_RUN_EVENT, type RetentionCutoffs, type RetentionField, retentionCutoffs } from "@logbook/shared/retention";
import type { JobContext } from "../../queue-definition";
import { expireExportsProcessor } from "../exports/expire-exports";
import { deleteExpiredRows } from "./delete-expired";
import { dropExpiredPartitions } from "./drop-partitions";

export const DEFAULT_RETENTION_BATCH = 10_000;
/**
 * A day at least this share of whose events expire in whole hours is rewritten, not swept: a rewrite
 * costs what the day keeps (~18 µs a row here), a sweep what goes (~5 µs a row), and a rewrite returns
 * the space at once.
 */
export const DEFAULT_REWRITE_SHARE = 0.8;
/**
 * A day at least this share of whose events expire in whole hours is swept page by page; less (an
 * hourly run's hour of a day, ~4 %) goes through the index, without reading the whole day.
 */
export const DEFAULT_SWEEP_SHARE = 0.1;
/** How long a rewrite keeps trying for its locks (NOWAIT, retried) before its day is swept instead. */
export const DEFAULT_REWRITE_LOCK_WAIT_MS = 2000;
const RETENTION_LOCK_ID = 7_150_007;

export interface RetentionRunOptions {
  /** Rows per delete transaction (bounded, so no lock is held long). */
  batchSize?: number;
  /** Only these tenants (tests on a shared database; a partition holding others stays). */
  tenantIds?: string[];
  /** Called after each committed batch (tests stop a run half-way from here). */
  afterBatch?: (batch: { day: string; rows: number }) => void | Promise<void>;
  /** Rewrite a day when at least this share of its events goes (default 0.8); above 1, never. */
  rewriteShare?: number;
  /** Sweep a day's pages when at least this share of its events goes (default 0.1); above 1, never. */
  sweepShare?: number;
  /** How long a rewrite keeps trying for its locks before the day is swept instead (default 2 s). */
  rewriteLockWaitMs?: number;
}

export interface RetentionRunResult {
  tenants: Record<string, Partial<Record<RetentionField, number>>>;
  partitionsDropped: string[];
  partitionDropSeconds: number[];
  /** Rows removed from days that were not dropped whole (batches and rewrites), and how long that took. */
  batchedRows: number;
  batchedSeconds: number;
  /** The days rewritten rather than batch-deleted. */
  rewrites: { day: string; removed: number; kept: number; seconds: number }[];
  exportsRemoved: number;
}

/**
 * The hourly retention run. Reads every tenant's effective retention now (plan, override, legal hold),
 * never what was queued; cutoffs are `now` minus the days, and only rows strictly older go. First whole
 * daily partitions every row of which has expired, then bounded batches per tenant: content past its
 * cutoff, then events per kind (with their content) — or, for a day mostly expired, one rewrite of its
 * partitions with the rows it keeps. Each batch and rewrite commits on its own, so a run stopped
 * half-way and run again finishes the job and never deletes anything inside retention. Each tenant
 * touched gets a `system` event `retention.run` with counts and cutoffs. Expired export files go too.
 */
export async function enforceRetentionProcessor(
  _payload: EnforceRetentionPayload,
  context: JobContext,
  now = new Date(),
  options: RetentionRunOptions = {},
): Promise<RetentionRunResult> {
  const { db } = context;
  // One run at a time (a session lock: a killed worker's connection closes and releases it).
  const lock = await db.$client.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [RETENTION_LOCK_ID]);
    return await runRetention(context, now, options);
  } finally {
    await lock.query("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK_ID]).catch(() => {});
    lock.release();
  }
}

async function runRetention(context: JobContext, now: Date, options: RetentionRunOptions): Promise<RetentionRunResult> {
  const { db, log } = context;
  const scope = options.tenantIds ? new Set(options.tenantIds) : null;
  const inScope = (tenantId: string) => !scope || scope.has(tenantId);
  const retention = await listTenantRetention(db);
  const counts = new Map<string, Partial<Record<RetentionField, number>>>();
  const add = (tenantId: string, field: RetentionField, n: number) => {
    if (n === 0) return;
    const c = counts.get(tenantId) ?? {};
    c[field] = (c[field] ?? 0) + n;
    counts.set(tenantId, c);
  };

  const dropped = await dropExpiredPartitions(db, { retention, now, inScope });
  for (const [tenantId, c] of dropped.byTenant)
    for (const [field, n] of Object.entries(c)) add(tenantId, field as RetentionField, n);

  const started = performance.now();
  const rewrites: RetentionRunResult["rewrites"] = [];
  const batchedRows = await deleteExpiredRows(db, {
    retention,
    now,
    inScope,
    batchSize: options.batchSize ?? DEFAULT_RETENTION_BATCH,
    add,
    afterBatch: options.afterBatch,
    rewriteShare: options.rewriteShare ?? DEFAULT_REWRITE_SHARE,
    sweepShare: options.sweepShare ?? DEFAULT_SWEEP_SHARE,
    rewriteLockWaitMs: options.rewriteLockWaitMs ?? DEFAULT_REWRITE_LOCK_WAIT_MS,
    log,
    onRewrite: (r) => rewrites.push(r),
  });
  const batchedSeconds = (performance.now() - started) / 1000;

  for (const [tenantId, c] of counts) {
    const r = retention.get(tenantId);
    if (r) await recordRetentionRun(db, { tenantId, retention: r, cutoffs: retentionCutoffs(r.days, now), counts: c, now });
  }
  const { removed: exportsRemoved } = await expireExportsProcessor({}, context, now);

  const result: RetentionRunResult = {
    tenants: Object.fromEntries(counts),
    partitionsDropped: dropped.tables,
    partitionDropSeconds: dropped.seconds,
    batchedRows,
    batchedSeconds,
    rewrites,
    exportsRemoved,
  };
  if (counts.size > 0 || exportsRemoved > 0) {
    log("retention run", { tenants: counts.size, partitionsDropped: dropped.tables.length, batchedRows, exportsRemoved });
  }
  return result;
}

/** The `system` event a run leaves in each tenant it touched: what went, and the cutoffs applied. */
async function recordRetentionRun(
  db: Db,
  input: {
    tenantId: string;
    retention: TenantRetentionView;
    cutoffs: RetentionCutoffs;
    counts: Partial<Record<RetentionField, number>>;
    now: Date;
  },
) {
  const deleted = {
    user_activity: input.counts.user_activity ?? 0,
    system: input.counts.system ?? 0,
    interaction: input.counts.interaction ?? 0,
    interaction_content: input.counts.interaction_content ?? 0,
  };
  await insertEvents(db, {
    tenantId: input.tenantId,
    events: [
      {
        kind: "system",
        type: RETENTION_RUN_EVENT,
        occurredAt: input.now.toISOString(),
        status: "success",
        source: "logbook",
        actorType: "system",
        targetType: "retention",
        targetName: input.retention.plan,
        metadata: {
          deleted,
          cutoffs: Object.fromEntries(Object.entries(input.cutoffs).map(([k, v]) => [k, v.toISOString()])),
          retention_days: input.retention.days,
          plan: input.retention.plan,
          overridden: input.retention.overridden,
        },
      },
    ],
  });
}
