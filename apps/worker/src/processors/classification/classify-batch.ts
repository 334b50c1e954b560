import { intentClassifier } from "@logbook/classifier/intent";
import type { Db } from "@logbook/db/client";
import { readClassificationSettings, readUnlabelledInteractions, writeProposedLabels } from "@logbook/db/queries/classification";
import { withTenant } from "@logbook/db/tenant";
import { type ClassifyBatchPayload, resolveToolSettings } from "@logbook/shared/jobs/classification";
import type { JobContext } from "../../queue-definition";
import { proposeLabels } from "./propose-labels";

/**
 * Labels the tenant's interactions among `ids` that still lack intent or response type, in one
 * transaction: read (with content), classify, one UPDATE. Labels a client sent stay; an id already
 * labelled (a retried job, the sweep got there first) is skipped, so the job is idempotent.
 */
export async function labelInteractions(db: Db, input: { tenantId: string; ids: string[] }) {
  const { tenantId, ids } = input;
  return withTenant(db, tenantId, async (tx) => {
    const tools = resolveToolSettings(await readClassificationSettings(tx, { tenantId }));
    const rows = await readUnlabelledInteractions(tx, { tenantId, ids });
    const changed = await writeProposedLabels(tx, { tenantId, labels: proposeLabels(rows, tools, intentClassifier()) });
    return { requested: ids.length, unlabelled: rows.length, changed };
  });
}

export async function classifyBatchProcessor(payload: ClassifyBatchPayload, { db }: JobContext) {
  return labelInteractions(db, { tenantId: payload.tenantId, ids: [...new Set(payload.eventIds)] });
}
