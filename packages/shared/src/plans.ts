/**
 * Plans and what they allow: the seed of the `plans` table (migrations/0007_retention.sql inserts the
 * same values; a test keeps them equal). Operators edit retention in the table; the ingest and read
 * API rate limits and export-file expiry are read from here so API and UI agree.
 */
export const plans = ["free", "team", "business", "enterprise"] as const;
export type Plan = (typeof plans)[number];

export interface PlanLimits {
  /** Requests per second to the public API (ingest and reads counted together). */
  apiRequestsPerSecond: number;
  /** Days an export file is kept before the worker removes it. */
  exportRetentionDays: number;
  /** Default retention in days per kind of log, and of interaction content (≤ interaction). */
  retentionDays: { user_activity: number; system: number; interaction: number; interaction_content: number };
}

export const planLimits: Record<Plan, PlanLimits> = {
  free: {
    apiRequestsPerSecond: 10,
    exportRetentionDays: 7,
    retentionDays: { user_activity: 30, system: 14, interaction: 14, interaction_content: 7 },
  },
  team: {
    apiRequestsPerSecond: 50,
    exportRetentionDays: 14,
    retentionDays: { user_activity: 90, system: 30, interaction: 60, interaction_content: 30 },
  },
  business: {
    apiRequestsPerSecond: 200,
    exportRetentionDays: 30,
    retentionDays: { user_activity: 365, system: 90, interaction: 180, interaction_content: 90 },
  },
  enterprise: {
    apiRequestsPerSecond: 1000,
    exportRetentionDays: 90,
    retentionDays: { user_activity: 730, system: 365, interaction: 365, interaction_content: 365 },
  },
};

export function isPlan(value: unknown): value is Plan {
  return typeof value === "string" && (plans as readonly string[]).includes(value);
}
