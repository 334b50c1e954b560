import { classifyBatchProcessor } from "./processors/classification/classify-batch";
import { ensurePartitionsProcessor } from "./processors/partitions/ensure-partitions";
import { compactRollupsProcessor } from "./processors/rollups/compact-rollups";
import { defineQueue } from "./queue-definition";
import { CLASSIFICATION_QUEUE, classifyBatchPayload } from "@logbook/shared/jobs/classification";
import { ensurePartitionsPayload, PARTITIONS_QUEUE } from "@logbook/shared/jobs/partitions";
import { compactRollupsPayload, ROLLUP_COMPACTION_EVERY_MS, ROLLUPS_QUEUE } from "@logbook/shared/jobs/rollups";

const HOUR = 60 * 60 * 1000;

/** Every queue the worker consumes, with its processor and the schedulers registered at start. */
export const registry = [
  defineQueue({
    queue: PARTITIONS_QUEUE,
    schema: ensurePartitionsPayload,
    processor: ensurePartitionsProcessor,
    // `every` runs once right away, so a fresh worker ensures the partitions on start.
    schedulers: [{ id: "ensure-partitions-hourly", every: HOUR, data: {} }],
  }),
  defineQueue({
    queue: ROLLUPS_QUEUE,
    schema: compactRollupsPayload,
    processor: compactRollupsProcessor,
    schedulers: [{ id: "compact-rollups", every: ROLLUP_COMPACTION_EVERY_MS, data: {} }],
  }),
  defineQueue({
    queue: CLASSIFICATION_QUEUE,
    schema: classifyBatchPayload,
    processor: classifyBatchProcessor,
  }),
] as const;

export type Registry = typeof registry;
export type QueueName = Registry[number]["queue"];
