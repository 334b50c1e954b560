import { classifyBatchProcessor } from "./processors/classification/classify-batch";
import { ensurePartitionsProcessor } from "./processors/partitions/ensure-partitions";
import { defineQueue } from "./queue-definition";
import { CLASSIFICATION_QUEUE, classifyBatchPayload } from "@logbook/shared/jobs/classification";
import { ensurePartitionsPayload, PARTITIONS_QUEUE } from "@logbook/shared/jobs/partitions";

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
    queue: CLASSIFICATION_QUEUE,
    schema: classifyBatchPayload,
    processor: classifyBatchProcessor,
  }),
] as const;

export type Registry = typeof registry;
export type QueueName = Registry[number]["queue"];
