import {
  DEFAULT_PARTITION_DAYS_AHEAD,
  DEFAULT_PARTITION_DAYS_BACK,
  type EnsurePartitionsPayload,
} from "@logbook/shared/jobs/partitions";
import type { JobContext } from "../../queue-definition";

/**
 * Creates the missing daily partitions from today (UTC) - daysBack to today + daysAhead.
 * Idempotent: existing partitions are left alone, so a retried or concurrent run is harmless.
 */
export async function ensurePartitionsProcessor(
  payload: EnsurePartitionsPayload,
  { db, log }: JobContext,
): Promise<{ created: number }> {
  const daysBack = payload.daysBack ?? DEFAULT_PARTITION_DAYS_BACK;
  const daysAhead = payload.daysAhead ?? DEFAULT_PARTITION_DAYS_AHEAD;
  const result = await db.$client.query<{ created: number }>(
    `SELECT logbook_ensure_partitions(
       (now() AT TIME ZONE 'UTC')::date - $1::int,
       (now() AT TIME ZONE 'UTC')::date + $2::int
     ) AS created`,
    [daysBack, daysAhead],
  );
  const created = result.rows[0]?.created ?? 0;
  if (created > 0) log("partitions created", { created, daysBack, daysAhead });
  return { created };
}
