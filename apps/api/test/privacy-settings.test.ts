import { createApiKey } from "@logbook/db/queries/api-keys";
import { getTenantSettings } from "@logbook/db/queries/tenant-settings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditTrail, newUser, ok, ownerWithOrg, serverErrors, startApp } from "./helpers";
import { contentOf, type IngestResponse, interaction, postEvents } from "./ingest-fixtures";

const DEFAULTS = {
  redactEmails: false,
  redactPhones: false,
  redactIps: false,
  redactCards: false,
  customPatterns: [],
  dropContent: false,
};

describe("settings.getPrivacy / settings.updatePrivacy", () => {
  const ctx = startApp();
  const { app, auth, db } = ctx;
  let owner: Awaited<ReturnType<typeof ownerWithOrg>>;

  beforeAll(async () => {
    owner = await ownerWithOrg(app, "privacy");
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("an organization without saved settings reads the defaults", async () => {
    expect(ok(await owner.client.query("settings.getPrivacy", { orgId: owner.org.id }))).toEqual(DEFAULTS);
  });

  it("an update is stored, read back, and recorded in the audit trail with the new settings", async () => {
    const settings = { ...DEFAULTS, redactEmails: true, redactCards: true, customPatterns: ["ACME-\\d{6}"] };
    expect(ok(await owner.client.mutate("settings.updatePrivacy", { orgId: owner.org.id, ...settings }))).toEqual(settings);
    expect(ok(await owner.client.query("settings.getPrivacy", { orgId: owner.org.id }))).toEqual(settings);
    expect((await getTenantSettings(db, { tenantId: owner.org.id })).privacy).toEqual(settings);

    const [entry] = await auditTrail(db, owner.org.id, "privacy.updated");
    expect(entry).toMatchObject({
      actor_id: owner.user.id,
      actor_email: owner.user.email,
      status: "success",
      target_type: "privacy_settings",
      metadata: settings,
    });
  });

  it("omitted fields take their defaults (the update replaces the settings)", async () => {
    ok(await owner.client.mutate("settings.updatePrivacy", { orgId: owner.org.id, dropContent: true }));
    expect(ok(await owner.client.query("settings.getPrivacy", { orgId: owner.org.id }))).toEqual({
      ...DEFAULTS,
      dropContent: true,
    });
  });

  it("an invalid custom pattern: BAD_REQUEST naming customPatterns.N, nothing saved", async () => {
    const before = (await getTenantSettings(db, { tenantId: owner.org.id })).privacy;
    const audits = (await auditTrail(db, owner.org.id, "privacy.updated")).length;
    const r = await owner.client.mutate("settings.updatePrivacy", {
      orgId: owner.org.id,
      redactEmails: true,
      customPatterns: ["fine-\\d+", "(unclosed"],
    });
    expect(r.error?.code).toBe("BAD_REQUEST");
    expect(r.error?.message).toBe("customPatterns.1: is not a valid regular expression");
    expect((await getTenantSettings(db, { tenantId: owner.org.id })).privacy).toEqual(before);
    expect((await auditTrail(db, owner.org.id, "privacy.updated")).length).toBe(audits);
  });

  it("unknown fields and too many patterns are refused", async () => {
    const unknown = await owner.client.mutate("settings.updatePrivacy", { orgId: owner.org.id, redactNames: true });
    expect(unknown.error?.code).toBe("BAD_REQUEST");
    expect(unknown.error?.message).toContain("redactNames");
    const many = await owner.client.mutate("settings.updatePrivacy", {
      orgId: owner.org.id,
      customPatterns: Array.from({ length: 21 }, (_, i) => `p${i}`),
    });
    expect(many.error?.message).toBe("customPatterns: at most 20 patterns");
  });

  it("auditors and members may neither read nor change the settings", async () => {
    for (const role of ["auditor", "member"] as const) {
      const u = await newUser(app, `privacy-${role}`);
      await auth.api.addMember({ body: { userId: u.user.id, organizationId: owner.org.id, role } });
      const read = await u.client.query("settings.getPrivacy", { orgId: owner.org.id });
      expect(read.error?.message).toBe(`Missing permission: settings:manage (your role: ${role})`);
      const write = await u.client.mutate("settings.updatePrivacy", { orgId: owner.org.id, redactEmails: true });
      expect(write.error?.code).toBe("FORBIDDEN");
    }
  });

  it("saved settings apply to the next ingest request", async () => {
    ok(
      await owner.client.mutate("settings.updatePrivacy", {
        orgId: owner.org.id,
        redactEmails: true,
        customPatterns: ["ACME-\\d{6}"],
      }),
    );
    const { key } = await createApiKey(db, { tenantId: owner.org.id, name: "privacy test" });
    const res = await postEvents(app, key, interaction({ question: "I am ada@example.com, order ACME-123456" }));
    expect(res.status).toBe(200);
    const id = ((await res.json()) as IngestResponse).results[0] as { id: string };
    expect((await contentOf(db, owner.org.id, id.id))?.question).toBe("I am [email], order [redacted]");
  });
});
