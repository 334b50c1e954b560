import { describe, expect, it } from "vitest";
import { planLimits, plans } from "./plans";
import { effectiveRetention, retentionCutoffs, retentionDaysSchema, retentionOverrideSchema } from "./retention";

const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("retention", () => {
  it("every seeded plan is valid: at least a day, content within interactions", () => {
    for (const plan of plans) expect(retentionDaysSchema.safeParse(planLimits[plan].retentionDays).success, plan).toBe(true);
  });

  it("refuses less than a day, fractions, and content kept longer than its interactions, naming the field", () => {
    expect(
      messages(retentionDaysSchema.safeParse({ user_activity: 0, system: 1, interaction: 5, interaction_content: 5 })),
    ).toEqual(["user_activity: cannot be shorter than 1 day"]);
    expect(
      messages(retentionDaysSchema.safeParse({ user_activity: 1, system: 2.5, interaction: 5, interaction_content: 5 })),
    ).toEqual(["system: must be a whole number of days"]);
    expect(
      messages(retentionDaysSchema.safeParse({ user_activity: 1, system: 2, interaction: 5, interaction_content: 6 })),
    ).toEqual([
      "interaction_content: must be shorter than or equal to the interaction retention (5 days): content is removed before its event",
    ]);
    expect(messages(retentionOverrideSchema.safeParse({ interaction: 3, interaction_content: 4 }))).toHaveLength(1);
    expect(retentionOverrideSchema.safeParse({ interaction_content: 400, system: null }).success).toBe(true);
  });

  it("an override wins field by field; content never outlives interactions", () => {
    const plan = planLimits.team.retentionDays;
    expect(effectiveRetention("team", plan, { system: 3, interaction: 10 }, false)).toEqual({
      plan: "team",
      days: { user_activity: 90, system: 3, interaction: 10, interaction_content: 10 },
      overridden: ["interaction", "system"],
      legalHold: false,
    });
    expect(effectiveRetention("team", plan, null, true).days).toEqual(plan);
  });

  it("cutoffs are now minus whole days, to the millisecond", () => {
    const now = new Date("2026-03-10T12:00:00.000Z");
    expect(retentionCutoffs({ user_activity: 1, system: 7, interaction: 30, interaction_content: 2 }, now)).toEqual({
      user_activity: new Date("2026-03-09T12:00:00.000Z"),
      system: new Date("2026-03-03T12:00:00.000Z"),
      interaction: new Date("2026-02-08T12:00:00.000Z"),
      interaction_content: new Date("2026-03-08T12:00:00.000Z"),
    });
  });
});
