import { z } from "zod";

/** Maintenance of the daily partitions of `events` and `event_contents`. */
export const PARTITIONS_QUEUE = "partitions";

export const DEFAULT_PARTITION_DAYS_AHEAD = 14;
export const DEFAULT_PARTITION_DAYS_BACK = 1;

export const ensurePartitionsPayload = z.strictObject({
  /** Days after today (UTC) whose partitions must exist. */
  daysAhead: z.number().int().min(0).max(366).optional(),
  /** Days before today (UTC) whose partitions must exist. */
  daysBack: z.number().int().min(0).max(366).optional(),
});

export type EnsurePartitionsPayload = z.infer<typeof ensurePartitionsPayload>;
