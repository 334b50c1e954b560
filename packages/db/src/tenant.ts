import { sql } from "drizzle-orm";
import type { Db } from "./client";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

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
