import type { ClassifyBatchPayload } from "@logbook/shared/jobs/classification";
import type { JobContext } from "../../queue-definition";

/**
 * Placeholder until the classifier lands: the payload is validated by the runner, and the batch is
 * reported as pending. The real processor will read the interactions by (tenantId, eventIds).
 */
export async function classifyBatchProcessor(payload: ClassifyBatchPayload, _context: JobContext): Promise<{ pending: number }> {
  return { pending: new Set(payload.eventIds).size };
}
