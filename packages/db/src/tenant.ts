import { sql } from "drizzle-orm";
import type { Db } from "./client";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * The first statement of a repeatable-read transaction that reads events: locks every partition before
 * the snapshot is taken (LOCK takes none), so a day rewritten by retention (TRUNCATE, rows put back)
 * is either not yet touched or already done when this snapshot is taken — never seen empty by an
 * older snapshot. Retention waits for such readers or, after a while, deletes in batches instead.
 */
export const LOCK_EVENT_TABLES = "LOCK TABLE events, event_contents IN ACCESS SHARE MODE";

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
      if (options.isolationLevel === "repeatable read") await tx.execute(sql.raw(LOCK_EVENT_TABLES));
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
