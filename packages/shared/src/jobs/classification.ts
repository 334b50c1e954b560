import { z } from "zod";

/** Hand-off from ingestion: interactions whose intent and response type are still to be set. */
export const CLASSIFICATION_QUEUE = "classification";

export const MAX_CLASSIFICATION_BATCH = 1000;

/** Ids only: the classifier reads the content from the database, never from the job. */
export const classifyBatchPayload = z.strictObject({
  tenantId: z.string().min(1).max(256),
  eventIds: z.array(z.uuid()).min(1).max(MAX_CLASSIFICATION_BATCH),
});

export type ClassifyBatchPayload = z.infer<typeof classifyBatchPayload>;
