/**
 * Plans and what they allow. Retention per plan comes with the retention issue; the ingest and read
 * API rate limits live here so API and UI agree.
 */
export const plans = ["free", "team", "business", "enterprise"] as const;
export type Plan = (typeof plans)[number];

export interface PlanLimits {
  /** Requests per second to the public API (ingest and reads counted together). */
  apiRequestsPerSecond: number;
  /** Days an export file is kept before the worker removes it. */
  exportRetentionDays: number;
}

export const planLimits: Record<Plan, PlanLimits> = {
  free: { apiRequestsPerSecond: 10, exportRetentionDays: 7 },
  team: { apiRequestsPerSecond: 50, exportRetentionDays: 14 },
  business: { apiRequestsPerSecond: 200, exportRetentionDays: 30 },
  enterprise: { apiRequestsPerSecond: 1000, exportRetentionDays: 90 },
};

export function isPlan(value: unknown): value is Plan {
  return typeof value === "string" && (plans as readonly string[]).includes(value);
}
