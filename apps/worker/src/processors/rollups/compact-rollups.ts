import { compactRollups } from "@logbook/db/queries/event-rollups";
import type { CompactRollupsPayload } from "@logbook/shared/jobs/rollups";
import type { JobContext } from "../../queue-definition";

/**
 * Folds pending rollup deltas into the compacted rollups (logbook_compact_rollups). Readers sum both,
 * so a late or skipped run only leaves more deltas to read; one run at a time (advisory lock).
 */
export async function compactRollupsProcessor(
  _payload: CompactRollupsPayload,
  { db, log }: JobContext,
): Promise<{ folded: number }> {
  const folded = await compactRollups(db);
  if (folded > 1000) log("rollups compacted", { folded });
  return { folded };
}
