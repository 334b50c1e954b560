import { getClassificationRun } from "@logbook/db/queries/classification-runs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditTrail, newUser, ok, ownerWithOrg, serverErrors, startApp } from "./helpers";

interface RunView {
  id: string;
  status: string;
  total: number;
  progress: number;
}

describe("classification procedures", () => {
  const ctx = startApp();
  const { app, auth, db } = ctx;
  let owner: Awaited<ReturnType<typeof ownerWithOrg>>;

  beforeAll(async () => {
    owner = await ownerWithOrg(app, "classification");
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("tool settings: defaults, saved per tenant, invalid input refused, audited", async () => {
    const orgId = owner.org.id;
    const defaults = ok(await owner.client.query<{ retrievalTools: string[] }>("classification.getSettings", { orgId }));
    expect(defaults.retrievalTools).toContain("*search*");
    ok(await owner.client.mutate("classification.updateSettings", { orgId, retrievalTools: ["kb_lookup"] }));
    const saved = ok(
      await owner.client.query<{ retrievalTools: string[]; connectorTools: string[] }>("classification.getSettings", { orgId }),
    );
    expect(saved.retrievalTools).toEqual(["kb_lookup"]);
    expect(saved.connectorTools).toContain("*connector*");
    const bad = await owner.client.mutate("classification.updateSettings", { orgId, retrievalTools: [""] });
    expect(bad.error?.code).toBe("BAD_REQUEST");
    expect((await auditTrail(db, orgId, "classification.settings_updated")).length).toBe(1);
  });

  it("reclassify: owners start a run of a period and read its progress; auditors may not", async () => {
    const orgId = owner.org.id;
    const to = new Date();
    const from = new Date(to.getTime() - 86_400_000);
    const run = ok(
      await owner.client.mutate<RunView>("classification.reclassify", { orgId, from: from.toISOString(), to: to.toISOString() }),
    );
    expect(run).toMatchObject({ status: "queued", total: 0, progress: 0 });
    expect(await getClassificationRun(db, { tenantId: orgId, id: run.id })).not.toBeNull();
    expect(ok(await owner.client.query<RunView>("classification.run", { orgId, id: run.id })).id).toBe(run.id);
    expect(ok(await owner.client.query<RunView[]>("classification.runs", { orgId })).map((r) => r.id)).toContain(run.id);

    const backwards = await owner.client.mutate("classification.reclassify", {
      orgId,
      from: to.toISOString(),
      to: from.toISOString(),
    });
    expect(backwards.error?.code).toBe("BAD_REQUEST");

    const auditor = await newUser(app, "classification-auditor");
    await auth.api.addMember({ body: { userId: auditor.user.id, organizationId: orgId, role: "auditor" } });
    const denied = await auditor.client.mutate("classification.reclassify", {
      orgId,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    expect(denied.error?.message).toBe("Missing permission: settings:manage (your role: auditor)");
  });
});
