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

/** Periodic upkeep: apply feedback (every few seconds), sweep interactions a lost hand-off left unlabelled. */
export const CLASSIFICATION_UPKEEP_QUEUE = "classification-upkeep";
export const FEEDBACK_EVERY_MS = 5_000;
export const UNLABELLED_SWEEP_EVERY_MS = 60_000;
export const classificationUpkeepPayload = z.strictObject({ task: z.enum(["feedback", "sweep"]) });
export type ClassificationUpkeepPayload = z.infer<typeof classificationUpkeepPayload>;

/** Reclassify a period of one tenant (a `classification_runs` row); job id = run id. */
export const RECLASSIFY_QUEUE = "reclassify";
export const reclassifyPayload = z.strictObject({ tenantId: z.string().min(1).max(256), runId: z.uuid() });
export type ReclassifyPayload = z.infer<typeof reclassifyPayload>;

export function reclassifyJobOptions(runId: string) {
  return {
    jobId: runId,
    attempts: 5,
    backoff: { type: "exponential" as const, delay: 5_000 },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
}

/** Where a label came from; precedence client > feedback > model/rule. */
export const labelSources = ["client", "feedback", "model", "rule"] as const;
export type LabelSource = (typeof labelSources)[number];

/** A label as stored in events.labels[field]. */
export interface StoredLabel {
  source: LabelSource;
  version?: string;
  confidence?: number;
  reason?: string;
  top_words?: { word: string; weight: number }[];
  feedback_id?: string;
  at?: string;
  comment?: string;
}

/**
 * Per-tenant classification settings: which tool names (glob patterns, `*` = anything,
 * case-insensitive) count as retrieval and as connector tools when deriving the response type.
 */
export const DEFAULT_RETRIEVAL_TOOLS = [
  "*search*",
  "*retriev*",
  "*knowledge*",
  "*docs*",
  "*document*",
  "*vector*",
  "*embedding*",
  "rag",
  "rag_*",
  "*_rag",
  "get_data_schema",
  "*lookup*",
] as const;
export const DEFAULT_CONNECTOR_TOOLS = [
  "*connector*",
  "*integration*",
  "*sync_run*",
  "*sync_status*",
  "*pipeline_run*",
  "*connection_test*",
  "*source_status*",
] as const;

const toolPatterns = z.array(z.string().trim().min(1).max(100)).max(50);
export const classificationSettingsSchema = z.strictObject({
  retrievalTools: toolPatterns.optional(),
  connectorTools: toolPatterns.optional(),
});
export type ClassificationSettings = z.infer<typeof classificationSettingsSchema>;

export function resolveToolSettings(settings: ClassificationSettings | null | undefined): {
  retrievalTools: readonly string[];
  connectorTools: readonly string[];
} {
  return {
    retrievalTools: settings?.retrievalTools ?? DEFAULT_RETRIEVAL_TOOLS,
    connectorTools: settings?.connectorTools ?? DEFAULT_CONNECTOR_TOOLS,
  };
}
