import type { Db } from "@logbook/db/client";
import type { ExportStore } from "@logbook/shared/node/export-store";
import { type Job, type JobsOptions, type Processor, UnrecoverableError } from "bullmq";
import type { z } from "zod";
import type { Log } from "./log";

/** What a processor gets besides its validated payload. */
export interface JobContext extends WorkerServices {
  job: Job;
}

/** What the runtime gives every processor. */
export interface WorkerServices {
  db: Db;
  log: Log;
  /** Where export files are written. */
  exportStore: ExportStore;
  /** Adds a job to one of the runtime's queues (validated with its schema). */
  enqueue(queue: string, data: unknown, options?: JobsOptions): Promise<void>;
  /** BullMQ's state of a job ("unknown" when there is none). */
  jobState(queue: string, jobId: string): Promise<string>;
}

/** A job scheduler registered (upserted) when the worker starts: a fixed interval or a cron pattern. */
export type SchedulerDefinition<Data> = { id: string; data: Data } & (
  | { every: number; pattern?: never }
  | { pattern: string; every?: never }
);

/**
 * One queue of the worker: its payload schema, the processor of its jobs and its schedulers.
 * `processor` is declared as a method so a registry of different queues widens to
 * `QueueDefinition` without casts.
 */
export interface QueueDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType, Result = unknown> {
  readonly queue: Name;
  readonly schema: Schema;
  processor(payload: z.output<Schema>, context: JobContext): Promise<Result>;
  readonly schedulers?: readonly SchedulerDefinition<z.input<Schema>>[];
}

/** Identity helper that keeps the literal queue name and ties processor and schedulers to the schema. */
export function defineQueue<const Name extends string, Schema extends z.ZodType, Result>(
  definition: QueueDefinition<Name, Schema, Result>,
): QueueDefinition<Name, Schema, Result> {
  return definition;
}

/** "daysAhead: Invalid input: expected number, received string; ..." */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(payload)"}: ${issue.message}`).join("; ");
}

/**
 * The generic runner: validates each job's payload with the queue's schema and hands the parsed
 * payload to the processor. An invalid payload fails the job with UnrecoverableError, so BullMQ
 * does not retry what can never succeed; any other error is retried per the job's attempts.
 */
export function createJobProcessor(definition: QueueDefinition, deps: WorkerServices): Processor {
  return async (job) => {
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid ${definition.queue} payload: ${describeIssues(parsed.error)}`);
    }
    return definition.processor(parsed.data, { ...deps, job });
  };
}
