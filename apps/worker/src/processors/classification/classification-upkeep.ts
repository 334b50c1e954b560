import { tenantsWithUnlabelled, unlabelledInteractionIds } from "@logbook/db/queries/classification";
import { failClassificationRun, staleClassificationRuns } from "@logbook/db/queries/classification-runs";
import {
  applyPendingFeedback,
  pruneInteractionFeedback,
  tenantsWithPendingFeedback,
} from "@logbook/db/queries/interaction-feedback";
import {
  type ClassificationUpkeepPayload,
  MAX_CLASSIFICATION_BATCH,
  RECLASSIFY_QUEUE,
  reclassifyJobOptions,
} from "@logbook/shared/jobs/classification";
import type { JobContext } from "../../queue-definition";
import { labelInteractions } from "./classify-batch";

/** An unlabelled interaction older than this had its hand-off lost (a crash between commit and queue). */
const HANDOFF_GRACE_MS = 2 * 60_000;
/** Per tenant and tick, so one tenant's backlog does not hold the others up for long. */
const SWEEP_BATCHES_PER_TENANT = 20;

/**
 * Feedback: applies pending feedback of every tenant to its interactions (feedback that arrived
 * before its interaction waits here until the interaction does).
 * Sweep: labels interactions a lost hand-off left unlabelled, and re-queues reclassify runs whose
 * job is gone (marks them failed when BullMQ gave up), and forgets feedback that was applied or
 * whose interaction never came.
 */
export async function classificationUpkeepProcessor(payload: ClassificationUpkeepPayload, context: JobContext, now = new Date()) {
  const { db, log } = context;
  if (payload.task === "feedback") {
    let resolved = 0;
    let changed = 0;
    for (const tenantId of await tenantsWithPendingFeedback(db)) {
      for (let i = 0; i < 10; i++) {
        const step = await applyPendingFeedback(db, { tenantId, limit: 1000 });
        resolved += step.resolved;
        changed += step.changed;
        if (step.resolved < 1000) break;
      }
    }
    return { resolved, changed };
  }

  let swept = 0;
  const receivedBefore = new Date(now.getTime() - HANDOFF_GRACE_MS);
  for (const tenantId of await tenantsWithUnlabelled(db)) {
    for (let i = 0; i < SWEEP_BATCHES_PER_TENANT; i++) {
      const ids = await unlabelledInteractionIds(db, { tenantId, receivedBefore, limit: MAX_CLASSIFICATION_BATCH });
      if (ids.length === 0) break;
      const result = await labelInteractions(db, { tenantId, ids });
      swept += result.changed;
      if (ids.length < MAX_CLASSIFICATION_BATCH || result.changed === 0) break;
    }
  }
  if (swept > 0) log("classification sweep labelled interactions left unlabelled", { count: swept });

  let requeued = 0;
  for (const run of await staleClassificationRuns(db, { staleBefore: new Date(now.getTime() - HANDOFF_GRACE_MS) })) {
    const state = await context.jobState(RECLASSIFY_QUEUE, run.id);
    if (state === "unknown") {
      await context.enqueue(RECLASSIFY_QUEUE, { tenantId: run.tenantId, runId: run.id }, reclassifyJobOptions(run.id));
      requeued++;
    } else if (state === "failed") {
      await failClassificationRun(db, { tenantId: run.tenantId, id: run.id, error: "the reclassify job failed too often" });
    }
  }
  const pruned = await pruneInteractionFeedback(db);
  return { swept, requeued, pruned };
}
