import type { Db } from "@logbook/db/client";
import { type ClassificationRun, createClassificationRun } from "@logbook/db/queries/classification-runs";
import { uuidv7 } from "@logbook/shared/ids";
import { RECLASSIFY_QUEUE, type ReclassifyPayload, reclassifyJobOptions } from "@logbook/shared/jobs/classification";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

export interface ReclassifyService {
  /** Records a run of the period and hands it to the worker (the worker's sweep re-queues a lost hand-off). */
  start(input: { tenantId: string; from: Date; to: Date; createdBy: string }): Promise<ClassificationRun>;
  close(): Promise<void>;
}

export function createReclassifyService(deps: {
  db: Db;
  connection: Redis;
  prefix: string;
  log: (line: string) => void;
}): ReclassifyService {
  const queue = new Queue<ReclassifyPayload>(RECLASSIFY_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  return {
    async start(input) {
      const run = await createClassificationRun(deps.db, { ...input, id: uuidv7() });
      try {
        await queue.add(RECLASSIFY_QUEUE, { tenantId: input.tenantId, runId: run.id }, reclassifyJobOptions(run.id));
      } catch (error) {
        deps.log(`reclassify run ${run.id} not handed to the queue: ${(error as Error).message}`);
      }
      return run;
    },
    close: () => queue.close(),
  };
}
