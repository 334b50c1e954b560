import { classificationUpkeepProcessor } from "./processors/classification/classification-upkeep";
import { classifyBatchProcessor } from "./processors/classification/classify-batch";
import { reclassifyProcessor } from "./processors/classification/reclassify";
import { deliverWebhookProcessor } from "./processors/exports/deliver-webhook";
import { expireExportsProcessor } from "./processors/exports/expire-exports";
import { runExportProcessor } from "./processors/exports/run-export";
import { runExportSchedulesProcessor } from "./processors/exports/run-export-schedules";
import { ensurePartitionsProcessor } from "./processors/partitions/ensure-partitions";
import { enforceRetentionProcessor } from "./processors/retention/enforce-retention";
import { compactRollupsProcessor } from "./processors/rollups/compact-rollups";
import { defineQueue } from "./queue-definition";
import {
  CLASSIFICATION_QUEUE,
  CLASSIFICATION_UPKEEP_QUEUE,
  classificationUpkeepPayload,
  classifyBatchPayload,
  FEEDBACK_EVERY_MS,
  RECLASSIFY_QUEUE,
  reclassifyPayload,
  UNLABELLED_SWEEP_EVERY_MS,
} from "@logbook/shared/jobs/classification";
import {
  EXPORT_EXPIRY_EVERY_MS,
  EXPORT_EXPIRY_QUEUE,
  EXPORT_SCHEDULES_EVERY_MS,
  EXPORT_SCHEDULES_QUEUE,
  EXPORT_WEBHOOKS_QUEUE,
  EXPORTS_QUEUE,
  exportExpiryPayload,
  exportSchedulesTickPayload,
  exportWebhookPayload,
  runExportPayload,
} from "@logbook/shared/jobs/exports";
import { ensurePartitionsPayload, PARTITIONS_QUEUE } from "@logbook/shared/jobs/partitions";
import { enforceRetentionPayload, RETENTION_EVERY_MS, RETENTION_QUEUE } from "@logbook/shared/jobs/retention";
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
  defineQueue({
    queue: CLASSIFICATION_UPKEEP_QUEUE,
    schema: classificationUpkeepPayload,
    processor: (payload, context) => classificationUpkeepProcessor(payload, context),
    schedulers: [
      { id: "apply-feedback", every: FEEDBACK_EVERY_MS, data: { task: "feedback" } },
      { id: "sweep-unlabelled", every: UNLABELLED_SWEEP_EVERY_MS, data: { task: "sweep" } },
    ],
  }),
  defineQueue({
    queue: RECLASSIFY_QUEUE,
    schema: reclassifyPayload,
    processor: (payload, context) => reclassifyProcessor(payload, context),
  }),
  defineQueue({ queue: EXPORTS_QUEUE, schema: runExportPayload, processor: runExportProcessor }),
  defineQueue({
    queue: EXPORT_SCHEDULES_QUEUE,
    schema: exportSchedulesTickPayload,
    processor: (payload, context) => runExportSchedulesProcessor(payload, context),
    schedulers: [{ id: "export-schedules-tick", every: EXPORT_SCHEDULES_EVERY_MS, data: {} }],
  }),
  defineQueue({
    queue: EXPORT_EXPIRY_QUEUE,
    schema: exportExpiryPayload,
    processor: (payload, context) => expireExportsProcessor(payload, context),
    schedulers: [{ id: "export-expiry", every: EXPORT_EXPIRY_EVERY_MS, data: {} }],
  }),
  defineQueue({ queue: EXPORT_WEBHOOKS_QUEUE, schema: exportWebhookPayload, processor: deliverWebhookProcessor }),
  defineQueue({
    queue: RETENTION_QUEUE,
    schema: enforceRetentionPayload,
    // Re-reads every tenant's retention when it runs; also removes expired export files.
    processor: (payload, context) => enforceRetentionProcessor(payload, context),
    schedulers: [{ id: "retention-hourly", every: RETENTION_EVERY_MS, data: {} }],
  }),
] as const;

export type Registry = typeof registry;
export type QueueName = Registry[number]["queue"];
