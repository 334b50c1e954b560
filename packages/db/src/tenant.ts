import { sql } from "drizzle-orm";
import type { Db } from "./client";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * The first statement of a repeatable-read transaction that reads events (migration 0010): taken
 * before the snapshot (LOCK takes none), it keeps retention from rewriting a day (TRUNCATE, kept rows
 * put back) while this snapshot is open, and makes a reader that arrives during a rewrite take its
 * snapshot after it — never one that would see the day empty.
 */
export const HOLD_REWRITE_GATE = "LOCK TABLE logbook_rewrite_gate IN ACCESS SHARE MODE";

/**
 * Runs `fn` in a transaction scoped to one tenant: the role switches to logbook_app (not a
 * superuser, so row-level security applies) and logbook.tenant_id is set for this transaction only.
 * Every query on tenant-owned tables goes through here, on top of its own tenant_id filter.
 */
export async function withTenant<T>(
  db: Db,
  tenantId: string,
  fn: (tx: Tx) => Promise<T>,
  /** "repeatable read" when several statements must read one snapshot (e.g. rollups and their deltas). */
  options: { isolationLevel?: "read committed" | "repeatable read" } = {},
): Promise<T> {
  if (!tenantId) throw new Error("withTenant: tenantId is required");
  return db.transaction(
    async (tx) => {
      if (options.isolationLevel === "repeatable read") await tx.execute(sql.raw(HOLD_REWRITE_GATE));
      // JIT compilation costs 50–100 ms per query and pays off only for long analytical scans; the
      // planner's cost estimates under RLS are high enough to trigger it on indexed lookups.
      await tx.execute(
        sql`SELECT set_config('role', 'logbook_app', true), set_config('logbook.tenant_id', ${tenantId}, true), set_config('jit', 'off', true)`,
      );
      return fn(tx);
    },
    options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined,
  );
}
