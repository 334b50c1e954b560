import { insertEvents } from "@logbook/db/queries/events";
import { PLATFORM_TENANT } from "@logbook/shared/events";
import { planLimits, plans } from "@logbook/shared/plans";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditTrail, BASE_URL, type Client, newUser, ok, ownerWithOrg, serverErrors, startApp } from "./helpers";
import { tenantWithKey } from "./ingest-fixtures";

interface RetentionView {
  plan: string;
  days: Record<string, number>;
  overridden: string[];
  legalHold: boolean;
  legalHoldReason: string | null;
}

describe("retention: operators and tenants", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let operator: Client;
  let operatorEmail: string;
  let tenant: Awaited<ReturnType<typeof tenantWithKey>>;
  let owner: Client;

  const getRetention = (key: string) => app.request(`${BASE_URL}/v1/retention`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    const op = await newUser(app, "retention-operator");
    await db.execute(sql`UPDATE "user" SET platform_role = 'operator' WHERE id = ${op.user.id}`);
    operator = op.client;
    operatorEmail = op.user.email;
    tenant = await tenantWithKey(app, db, "retention-tenant", "team");
    owner = (await newUser(app, "retention-outsider")).client;
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("plans are seeded with the values of packages/shared/src/plans.ts", async () => {
    const listed = ok(
      await operator.query<{ id: string; retention: unknown; exportFileDays: number; apiRequestsPerSecond: number }[]>(
        "platform.plans",
      ),
    );
    expect(listed.map((p) => p.id)).toEqual([...plans]);
    for (const p of listed) {
      const limits = planLimits[p.id as keyof typeof planLimits];
      expect(p.retention).toEqual(limits.retentionDays);
      expect(p.exportFileDays).toBe(limits.exportRetentionDays);
      expect(p.apiRequestsPerSecond).toBe(limits.apiRequestsPerSecond);
    }
  });

  it("every operator procedure is FORBIDDEN to a signed-in non-operator, and changes nothing", async () => {
    const calls: [string, "query" | "mutation", unknown][] = [
      ["platform.plans", "query", undefined],
      ["platform.tenants", "query", undefined],
      ["platform.auditTrail", "query", undefined],
      ["platform.tenantRetention", "query", { tenantId: tenant.tenantId }],
      ["platform.assignPlan", "mutation", { tenantId: tenant.tenantId, plan: "free" }],
      ["platform.setOverride", "mutation", { tenantId: tenant.tenantId, override: { system: 1 } }],
      ["platform.setLegalHold", "mutation", { tenantId: tenant.tenantId, hold: true }],
      [
        "platform.updatePlanRetention",
        "mutation",
        { planId: "free", retention: { user_activity: 1, system: 1, interaction: 1, interaction_content: 1 } },
      ],
    ];
    for (const [path, type, input] of calls) {
      const r = await owner.call(type, path, input);
      expect(r.error?.code, path).toBe("FORBIDDEN");
      expect(r.error?.message).toContain("operator");
    }
    const view = ok(await operator.query<RetentionView>("platform.tenantRetention", { tenantId: tenant.tenantId }));
    expect(view).toMatchObject({ plan: "team", overridden: [], legalHold: false });
    const free = ok(await operator.query<{ id: string; retention: unknown }[]>("platform.plans")).find((p) => p.id === "free");
    expect(free?.retention).toEqual(planLimits.free.retentionDays);
  });

  it("rejects retention under a day and content kept longer than its interactions, naming the field", async () => {
    const zero = await operator.mutate("platform.updatePlanRetention", {
      planId: "team",
      retention: { user_activity: 0, system: 30, interaction: 60, interaction_content: 30 },
    });
    expect(zero.error?.code).toBe("BAD_REQUEST");
    expect(zero.error?.message).toBe("retention.user_activity: cannot be shorter than 1 day");
    const content = await operator.mutate("platform.updatePlanRetention", {
      planId: "team",
      retention: { user_activity: 90, system: 30, interaction: 60, interaction_content: 61 },
    });
    expect(content.error?.code).toBe("BAD_REQUEST");
    expect(content.error?.message).toContain(
      "retention.interaction_content: must be shorter than or equal to the interaction retention (60 days)",
    );
    const fraction = await operator.mutate("platform.setOverride", { tenantId: tenant.tenantId, override: { system: 1.5 } });
    expect(fraction.error?.message).toBe("override.system: must be a whole number of days");
  });

  it("assigning a plan, overriding and legal hold are audit events of the tenant and of the operator's trail", async () => {
    ok(await operator.mutate("platform.assignPlan", { tenantId: tenant.tenantId, plan: "business" }));
    const overridden = ok(
      await operator.mutate<RetentionView>("platform.setOverride", {
        tenantId: tenant.tenantId,
        override: { interaction: 30, interaction_content: 10 },
      }),
    );
    expect(overridden).toMatchObject({
      plan: "business",
      days: { user_activity: 365, system: 90, interaction: 30, interaction_content: 10 },
      overridden: ["interaction", "interaction_content"],
    });
    ok(await operator.mutate("platform.setLegalHold", { tenantId: tenant.tenantId, hold: true, reason: "case 42" }));

    const trail = await auditTrail(db, tenant.tenantId);
    const mine = trail.filter((e) => e.type.startsWith("retention."));
    expect(mine.map((e) => e.type)).toEqual(["retention.plan_assigned", "retention.override_set", "retention.legal_hold_set"]);
    expect(mine[0]).toMatchObject({
      actor_email: operatorEmail,
      target_id: tenant.tenantId,
      metadata: { before: "team", after: "business" },
    });
    expect(mine[2]?.metadata).toEqual({ reason: "case 42" });
    const platform = await auditTrail(db, PLATFORM_TENANT);
    expect(platform.filter((e) => e.target_id === tenant.tenantId).map((e) => e.type)).toEqual(mine.map((e) => e.type));
    const listed = ok(await operator.query<{ type: string; targetId: string }[]>("platform.auditTrail"));
    expect(listed.filter((e) => e.targetId === tenant.tenantId).map((e) => e.type)).toEqual(mine.map((e) => e.type).reverse());

    // The tenant's owner sees them in the organization's user activity.
    const seen = await app.request(`${BASE_URL}/v1/events?kind=user_activity&type=retention.*&period=all`, {
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    const body = (await seen.json()) as { data: { type: string; actor_email: string }[] };
    expect(body.data.map((e) => e.type).sort()).toEqual(mine.map((e) => e.type).sort());
  });

  it("a plan's retention change is recorded in every tenant on the plan", async () => {
    const other = await tenantWithKey(app, db, "retention-team-tenant", "team");
    const before = ok(await operator.query<{ id: string; retention: Record<string, number> }[]>("platform.plans")).find(
      (p) => p.id === "team",
    );
    const retention = { ...before!.retention, system: 45 };
    ok(await operator.mutate("platform.updatePlanRetention", { planId: "team", retention }));
    const [event] = await auditTrail(db, other.tenantId, "retention.plan_updated");
    expect(event).toMatchObject({
      actor_email: operatorEmail,
      target_id: "team",
      metadata: { before: before!.retention, after: retention },
    });
    // Put it back: other tests read the seeded values.
    ok(await operator.mutate("platform.updatePlanRetention", { planId: "team", retention: before!.retention }));
  });

  it("operators see tenants with plan, counts and storage, never content", async () => {
    await insertEvents(db, {
      tenantId: tenant.tenantId,
      events: [
        { kind: "interaction", type: "ai.interaction", occurredAt: new Date().toISOString(), question: "secret question" },
      ],
    });
    const r =
      await operator.query<
        { id: string; plan: string; legalHold: boolean; events: Record<string, number>; storageBytes: number }[]
      >("platform.tenants");
    const row = ok(r).find((t) => t.id === tenant.tenantId);
    expect(row).toMatchObject({ plan: "business", legalHold: true });
    expect(row!.events.interaction).toBe(1);
    expect(row!.events.user_activity).toBeGreaterThan(0);
    expect(row!.storageBytes).toBeGreaterThan(0);
    expect(r.text).not.toContain("secret question");
  });

  it("GET /v1/retention tells the key's workspace its plan, days per kind, hold and oldest events", async () => {
    const res = await getRetention(tenant.key);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      plan: "business",
      plan_name: "Business",
      retention_days: { user_activity: 365, system: 90, interaction: 30, interaction_content: 10 },
      plan_retention_days: planLimits.business.retentionDays,
      overridden: ["interaction", "interaction_content"],
      legal_hold: true,
      export_file_days: 30,
    });
    const oldest = data.oldest_event as Record<string, string | null>;
    expect(oldest.interaction).toEqual(expect.any(String));
    expect(data.oldest_event_at).toBe(
      [oldest.user_activity, oldest.system, oldest.interaction].filter((d): d is string => !!d).sort()[0],
    );

    expect((await getRetention("lb_not_a_real_key_000000000000000000000000")).status).toBe(401);
    const doc = (await (await app.request(`${BASE_URL}/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(doc.paths["/v1/retention"]).toBeDefined();
  });

  it("owners, admins and auditors read it in the UI (retention.get); outsiders do not", async () => {
    ok(await operator.mutate("platform.setLegalHold", { tenantId: tenant.tenantId, hold: false }));
    const { client, org } = await ownerWithOrg(app, "retention-ui");
    const view = ok(
      await client.query<{ plan: { id: string }; legalHold: boolean; days: unknown }>("retention.get", { orgId: org.id }),
    );
    expect(view).toMatchObject({ plan: { id: "free" }, legalHold: false, days: planLimits.free.retentionDays });
    const stranger = await owner.query("retention.get", { orgId: org.id });
    expect(stranger.error?.code).toBe("FORBIDDEN");
  });
});
