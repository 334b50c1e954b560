import { z } from "zod";

/** Retention: how long each kind of log is kept, per plan, with per-tenant overrides and legal hold. */

export const retentionKinds = ["user_activity", "system", "interaction"] as const;
export type RetentionKind = (typeof retentionKinds)[number];

/** Days kept per kind, plus interaction content (questions and answers), removed first. */
export interface RetentionDays {
  user_activity: number;
  system: number;
  interaction: number;
  interaction_content: number;
}
export type RetentionField = keyof RetentionDays;
export const retentionFields = ["user_activity", "system", "interaction", "interaction_content"] as const;

export const retentionFieldLabels: Record<RetentionField, string> = {
  user_activity: "User activity",
  system: "System",
  interaction: "Interactions",
  interaction_content: "Interaction content",
};

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;

const days = z
  .number({ error: "must be a whole number of days" })
  .int("must be a whole number of days")
  .min(MIN_RETENTION_DAYS, `cannot be shorter than ${MIN_RETENTION_DAYS} day`)
  .max(MAX_RETENTION_DAYS, `cannot be longer than ${MAX_RETENTION_DAYS} days`);

const contentMessage = (interaction: number) =>
  `must be shorter than or equal to the interaction retention (${interaction} days): content is removed before its event`;

/** A plan's retention as operators edit it: every value ≥ 1 day, content ≤ interactions. */
export const retentionDaysSchema = z
  .strictObject({ user_activity: days, system: days, interaction: days, interaction_content: days })
  .superRefine((v, ctx) => {
    if (v.interaction_content > v.interaction) {
      ctx.addIssue({ code: "custom", path: ["interaction_content"], message: contentMessage(v.interaction) });
    }
  });

/** A tenant's override: any subset of the plan's values; null (or absent) = the plan's. */
export const retentionOverrideSchema = z
  .strictObject({
    user_activity: days.nullable().optional(),
    system: days.nullable().optional(),
    interaction: days.nullable().optional(),
    interaction_content: days.nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.interaction != null && v.interaction_content != null && v.interaction_content > v.interaction) {
      ctx.addIssue({ code: "custom", path: ["interaction_content"], message: contentMessage(v.interaction) });
    }
  });
export type RetentionOverride = z.infer<typeof retentionOverrideSchema>;

export interface EffectiveRetention {
  plan: string;
  days: RetentionDays;
  /** Fields whose value comes from the tenant's override, not the plan. */
  overridden: RetentionField[];
  legalHold: boolean;
}

/**
 * What applies to a tenant: its override over its plan, field by field. Content never outlives its
 * event, so effective content days are at most the effective interaction days.
 */
export function effectiveRetention(
  plan: string,
  planDays: RetentionDays,
  override: RetentionOverride | null | undefined,
  legalHold: boolean,
): EffectiveRetention {
  const overridden: RetentionField[] = [];
  const pick = (field: RetentionField) => {
    const value = override?.[field];
    if (value != null) overridden.push(field);
    return value ?? planDays[field];
  };
  const interaction = pick("interaction");
  const result: RetentionDays = {
    user_activity: pick("user_activity"),
    system: pick("system"),
    interaction,
    interaction_content: Math.min(pick("interaction_content"), interaction),
  };
  return { plan, days: result, overridden, legalHold };
}

export type RetentionCutoffs = Record<RetentionField, Date>;

/**
 * The instants before which each kind is no longer kept at `now`: an event is deleted when
 * occurred_at < cutoff, so one a second inside retention stays.
 */
export function retentionCutoffs(retention: RetentionDays, now: Date): RetentionCutoffs {
  const at = (d: number) => new Date(now.getTime() - d * DAY_MS);
  return {
    user_activity: at(retention.user_activity),
    system: at(retention.system),
    interaction: at(retention.interaction),
    interaction_content: at(retention.interaction_content),
  };
}

/** Audit-trail types of operators' retention changes (user_activity events of the tenant concerned). */
export const retentionAuditTypes = {
  planRetentionUpdated: "retention.plan_updated",
  planAssigned: "retention.plan_assigned",
  overrideSet: "retention.override_set",
  legalHoldSet: "retention.legal_hold_set",
  legalHoldCleared: "retention.legal_hold_cleared",
} as const;

/** The `system` event each retention run records in every tenant it touched. */
export const RETENTION_RUN_EVENT = "retention.run";
