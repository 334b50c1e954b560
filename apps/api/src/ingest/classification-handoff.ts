import { CLASSIFICATION_QUEUE, type ClassifyBatchPayload, MAX_CLASSIFICATION_BATCH } from "@logbook/shared/jobs/classification";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * Hands interactions still lacking intent or response type to the worker's classification queue.
 * Ids only; the events are already committed, so a Redis outage loses no event (a later reclassify
 * of the period labels them) and is only logged.
 */
export function classificationHandoff(connection: Redis, prefix: string, log: (line: string) => void) {
  const queue = new Queue<ClassifyBatchPayload>(CLASSIFICATION_QUEUE, { connection, prefix });
  return {
    queue,
    async enqueue(tenantId: string, eventIds: string[]) {
      try {
        for (let i = 0; i < eventIds.length; i += MAX_CLASSIFICATION_BATCH) {
          await queue.add(
            "classify-batch",
            { tenantId, eventIds: eventIds.slice(i, i + MAX_CLASSIFICATION_BATCH) },
            {
              removeOnComplete: 1000,
              removeOnFail: 5000,
              attempts: 3,
              backoff: { type: "exponential", delay: 5000 },
            },
          );
        }
      } catch (error) {
        log(`classification hand-off failed for ${eventIds.length} events of ${tenantId}: ${(error as Error).message}`);
      }
    },
  };
}
