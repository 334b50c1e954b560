import { z } from "zod";

/** Folding the rollup deltas that inserts, classification and retention leave into the rollups. */
export const ROLLUPS_QUEUE = "rollups";

/** How often the worker compacts: pending deltas are read too, so this bounds their number, not staleness. */
export const ROLLUP_COMPACTION_EVERY_MS = 10_000;

export const compactRollupsPayload = z.strictObject({});

export type CompactRollupsPayload = z.infer<typeof compactRollupsPayload>;
