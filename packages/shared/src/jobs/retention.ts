import { z } from "zod";

/** Retention: deletes what each tenant's plan no longer keeps, and expired export files. */
export const RETENTION_QUEUE = "retention";
export const RETENTION_EVERY_MS = 60 * 60_000;

/** Nothing in the payload: each run reads every tenant's effective retention when it runs. */
export const enforceRetentionPayload = z.strictObject({});
export type EnforceRetentionPayload = z.infer<typeof enforceRetentionPayload>;
