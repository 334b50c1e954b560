import { intentClassifier } from "@logbook/classifier/intent";
import { readClassificationSettings, readInteractionsAfter, writeProposedLabels } from "@logbook/db/queries/classification";
import { advanceClassificationRun, failClassificationRun, lockClassificationRun } from "@logbook/db/queries/classification-runs";
import { withTenant } from "@logbook/db/tenant";
import { type ReclassifyPayload, resolveToolSettings } from "@logbook/shared/jobs/classification";
import type { JobContext } from "../../queue-definition";
import { proposeLabels } from "./propose-labels";

export const RECLASSIFY_BATCH = 1000;

/**
 * Reclassifies a run's period in (occurred_at, id) order, a batch per transaction: the labels and the
 * run's cursor and counts commit together, so a worker killed mid-run resumes after the last
 * committed batch and counts nothing twice. Client labels and feedback are never replaced. The
 * tenant's tool settings are read again for every batch.
 */
export async function reclassifyProcessor(
  payload: ReclassifyPayload,
  context: Pick<JobContext, "db"> & { job?: Pick<JobContext["job"], "updateProgress" | "attemptsMade" | "opts"> },
  options: { batchSize?: number; afterBatch?: (batch: number) => void } = {},
): Promise<{ done: number; changed: number }> {
  const { db, job } = context;
  const { tenantId, runId } = payload;
  const batchSize = options.batchSize ?? RECLASSIFY_BATCH;
  const classifier = intentClassifier();
  try {
    for (let batch = 1; ; batch++) {
      const step = await withTenant(db, tenantId, async (tx) => {
        const run = await lockClassificationRun(tx, { tenantId, id: runId });
        if (!run || run.status === "done" || run.status === "failed") return { finished: true, run };
        const tools = resolveToolSettings(await readClassificationSettings(tx, { tenantId }));
        const after = run.cursorOccurredAt && run.cursorId ? { occurredAt: run.cursorOccurredAt, id: run.cursorId } : null;
        const rows = await readInteractionsAfter(tx, {
          tenantId,
          from: run.periodFrom,
          to: run.periodTo,
          after,
          limit: batchSize,
        });
        const changed = await writeProposedLabels(tx, { tenantId, labels: proposeLabels(rows, tools, classifier) });
        const last = rows.at(-1);
        const finished = rows.length < batchSize;
        await advanceClassificationRun(tx, {
          tenantId,
          id: runId,
          cursor: last ? { occurredAt: last.occurredAt, id: last.id } : null,
          processed: rows.length,
          changed,
          modelVersion: classifier.version,
          finished,
        });
        return { finished, run: { ...run, done: run.done + rows.length, changed: run.changed + changed } };
      });
      options.afterBatch?.(batch);
      const run = step.run;
      if (run && job) await job.updateProgress({ done: run.done, total: run.totalEstimate });
      if (step.finished) return { done: run?.done ?? 0, changed: run?.changed ?? 0 };
    }
  } catch (error) {
    const attempts = job?.opts.attempts ?? 1;
    if (job && job.attemptsMade + 1 >= attempts) {
      await failClassificationRun(db, { tenantId, id: runId, error: (error as Error).message });
    }
    throw error;
  }
}
