import { getTenantSettings } from "@logbook/db/queries/tenant-settings";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/trpc/router";
import { auditTrail, memberIdOf, newUser, ok, ownerWithOrg, serverErrors, startApp, uniqueEmail } from "./helpers";

type Proc = { _def: { type: "query" | "mutation" | "subscription"; inputs: { shape?: Record<string, unknown> }[] } };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, Proc> } })._def.procedures;

/** Every procedure of the router whose input carries an orgId, i.e. acts inside one tenant. */
const tenantProcedurePaths = Object.entries(procedures)
  .filter(([, p]) => p._def.inputs.some((i) => i.shape && "orgId" in i.shape))
  .map(([path]) => path)
  .sort();

describe("tenant isolation", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let a: Awaited<ReturnType<typeof ownerWithOrg>>;
  let b: Awaited<ReturnType<typeof ownerWithOrg>>;
  let bMember: Awaited<ReturnType<typeof newUser>>;
  let bMemberId: string;
  let bInvitationId: string;
  let bInviteeEmail: string;
  let bApiKeyId: string;
  let bEventId: string;
  let bExportId: string;
  let bScheduleId: string;
  /** Strings that must never appear in an answer given to A's owner about B. */
  let secretsOfB: string[];

  /** Valid input for each tenant procedure, aimed at B's resources, with `orgId` to vary. */
  const inputFor = (path: string, orgId: string): Record<string, unknown> => {
    const inputs: Record<string, Record<string, unknown>> = {
      "organizations.get": {},
      "members.list": {},
      "members.invite": { email: uniqueEmail("intruder-invite"), role: "admin" },
      "members.cancelInvitation": { invitationId: bInvitationId },
      "members.updateRole": { memberId: bMemberId, role: "owner" },
      "members.remove": { memberId: bMemberId },
      "events.list": { kind: "user_activity" },
      "events.options": { column: "type", period: "all" },
      "events.stats": { kind: "user_activity", period: "7d" },
      "events.get": { id: bEventId },
      "events.usage": { period: "7d", dimension: "model" },
      "apiKeys.list": {},
      "apiKeys.create": { name: "intruder key" },
      "apiKeys.revoke": { id: bApiKeyId },
      "exports.create": { format: "csv" },
      "exports.list": {},
      "exports.get": { id: bExportId },
      "exports.cancel": { id: bExportId },
      "exports.downloadLink": { id: bExportId },
      "exports.schedules.list": {},
      "exports.schedules.create": { name: "intruder schedule", frequency: "daily", timeOfDay: "03:00", timeZone: "UTC" },
      "exports.schedules.update": { id: bScheduleId, changes: { name: "taken over" } },
      "exports.schedules.delete": { id: bScheduleId },
      "settings.getPrivacy": {},
      "settings.updatePrivacy": { redactEmails: true, customPatterns: ["intruder-\\d+"] },
      "retention.get": {},
      "classification.getSettings": {},
      "classification.updateSettings": { retrievalTools: ["intruder_*"] },
      "classification.reclassify": { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" },
      "classification.runs": {},
      "classification.run": { id: "01900000-0000-7000-8000-000000000000" },
    };
    const extra = inputs[path];
    if (!extra) throw new Error(`no sample input for tenant procedure ${path}: add one to this test`);
    return { orgId, ...extra };
  };

  async function stateOfB() {
    const members = ok(
      await b.client.query<{ members: { id: string; role: string }[]; invitations: { id: string; status: string }[] }>(
        "members.list",
        { orgId: b.org.id },
      ),
    );
    const events = await auditTrail(db, b.org.id);
    const keys = ok(await b.client.query<{ id: string; status: string }[]>("apiKeys.list", { orgId: b.org.id }));
    const { privacy } = await getTenantSettings(db, { tenantId: b.org.id });
    const exportsOfB = ok(await b.client.query<{ id: string; status: string }[]>("exports.list", { orgId: b.org.id }));
    const schedulesOfB = ok(
      await b.client.query<{ id: string; name: string; enabled: boolean }[]>("exports.schedules.list", { orgId: b.org.id }),
    );
    return {
      exports: exportsOfB.map((e) => [e.id, e.status]),
      schedules: schedulesOfB.map((s) => [s.id, s.name, s.enabled]),
      privacy,
      members: members.members.map((m) => [m.id, m.role]),
      invitations: members.invitations.map((i) => [i.id, i.status]),
      apiKeys: keys.map((k) => [k.id, k.status]),
      events: events.length,
    };
  }

  beforeAll(async () => {
    [a, b] = await Promise.all([ownerWithOrg(app, "tenant-a"), ownerWithOrg(app, "tenant-b")]);
    bMember = await newUser(app, "tenant-b-member");
    const inv = ok(
      await b.client.mutate<{ invitationId: string }>("members.invite", {
        orgId: b.org.id,
        email: bMember.user.email,
        role: "member",
      }),
    );
    ok(await bMember.client.mutate("invitations.accept", { invitationId: inv.invitationId }));
    bMemberId = await memberIdOf(db, b.org.id, bMember.user.id);
    bInviteeEmail = uniqueEmail("tenant-b-pending");
    bInvitationId = ok(
      await b.client.mutate<{ invitationId: string }>("members.invite", {
        orgId: b.org.id,
        email: bInviteeEmail,
        role: "auditor",
      }),
    ).invitationId;
    bApiKeyId = ok(await b.client.mutate<{ apiKey: { id: string } }>("apiKeys.create", { orgId: b.org.id, name: "B ingest key" }))
      .apiKey.id;
    bExportId = ok(await b.client.mutate<{ id: string }>("exports.create", { orgId: b.org.id, format: "jsonl" })).id;
    bScheduleId = ok(
      await b.client.mutate<{ id: string }>("exports.schedules.create", {
        orgId: b.org.id,
        name: "B nightly",
        frequency: "daily",
        timeOfDay: "02:00",
        timeZone: "UTC",
      }),
    ).id;
    const bEvent = await db.execute(sql`SELECT id::text AS id FROM events WHERE tenant_id = ${b.org.id} LIMIT 1`);
    bEventId = (bEvent.rows[0] as { id: string }).id;
    // Some activity in A too, so "A's events" is not trivially empty.
    ok(await a.client.mutate("members.invite", { orgId: a.org.id, email: uniqueEmail("tenant-a-pending"), role: "member" }));
    secretsOfB = [
      b.org.id,
      b.org.name,
      b.org.slug,
      b.user.email,
      b.user.id,
      bMember.user.email,
      bMemberId,
      bInvitationId,
      bInviteeEmail,
      bApiKeyId,
      "B ingest key",
    ];
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("finds the router's tenant procedures (the list below must cover every one)", () => {
    expect(tenantProcedurePaths).toEqual(
      [
        "apiKeys.create",
        "apiKeys.list",
        "apiKeys.revoke",
        "classification.getSettings",
        "classification.reclassify",
        "classification.run",
        "classification.runs",
        "classification.updateSettings",
        "events.get",
        "events.list",
        "events.options",
        "events.stats",
        "events.usage",
        "exports.cancel",
        "exports.create",
        "exports.downloadLink",
        "exports.get",
        "exports.list",
        "exports.schedules.create",
        "exports.schedules.delete",
        "exports.schedules.list",
        "exports.schedules.update",
        "members.cancelInvitation",
        "members.invite",
        "members.list",
        "members.remove",
        "members.updateRole",
        "organizations.get",
        "retention.get",
        "settings.getPrivacy",
        "settings.updatePrivacy",
      ].sort(),
    );
    // Procedures without orgId must not act on a tenant at all: they are listed here on purpose.
    const others = Object.keys(procedures)
      .filter((p) => !tenantProcedurePaths.includes(p))
      .sort();
    expect(others).toEqual([
      "invitations.accept",
      "invitations.get",
      "me.get",
      "organizations.create",
      // Operators only (operatorProcedure): they take a tenantId, never an orgId.
      "platform.assignPlan",
      "platform.auditTrail",
      "platform.plans",
      "platform.setLegalHold",
      "platform.setOverride",
      "platform.tenantRetention",
      "platform.tenants",
      "platform.updatePlanRetention",
    ]);
  });

  it("each tenant procedure works for B's owner on B (the sample inputs are valid)", async () => {
    // Read-only ones only: the mutations are checked against B's state in the next test.
    const reads = [
      "organizations.get",
      "members.list",
      "apiKeys.list",
      "settings.getPrivacy",
      "classification.getSettings",
      "classification.runs",
    ];
    for (const path of [...reads, "events.list", "events.options", "events.stats", "events.usage", "events.get"]) {
      const r = await b.client.call(procedures[path]!._def.type as "query", path, inputFor(path, b.org.id));
      expect(r.status, `${path}: ${r.text}`).toBe(200);
    }
  });

  it.each(tenantProcedurePaths)("%s: A's owner with B's orgId gets FORBIDDEN and nothing of B", async (path) => {
    const before = await stateOfB();
    const r = await a.client.call(procedures[path]!._def.type as "query", path, inputFor(path, b.org.id));
    expect(r.status, r.text).toBe(403);
    expect(r.error?.code).toBe("FORBIDDEN");
    expect(r.error?.message).toBe("You are not a member of this organization.");
    expect(r.data).toBeUndefined();
    for (const secret of secretsOfB.filter((s) => ![b.org.id, bMemberId, bInvitationId, bApiKeyId].includes(s))) {
      expect(r.text, `${path} leaks ${secret}`).not.toContain(secret);
    }
    // Ids A sent itself may be echoed nowhere either (the answer is the same as for a made-up org).
    expect(r.text).not.toContain(b.org.id);
    expect(await stateOfB()).toEqual(before);
  });

  it("a made-up orgId gets the very same answer as B's (existence is not revealed)", async () => {
    const real = await a.client.query("organizations.get", { orgId: b.org.id });
    const fake = await a.client.query("organizations.get", { orgId: "org_does_not_exist" });
    expect(fake.status).toBe(real.status);
    expect(fake.error).toEqual(real.error);
  });

  it("events.list of A never contains B's events", async () => {
    const bEvents = await auditTrail(db, b.org.id);
    expect(bEvents.length).toBeGreaterThanOrEqual(3);
    const listed: { id: string; actorId: string | null; targetId: string | null; targetName: string | null }[] = [];
    for (const kind of [undefined, "user_activity", "system", "interaction"]) {
      const page = ok(await a.client.query<{ items: typeof listed }>("events.list", { orgId: a.org.id, kind, limit: 500 }));
      listed.push(...page.items);
    }
    expect(listed.length).toBeGreaterThan(0);
    const idsOfB = new Set(bEvents.map((e) => e.target_id));
    for (const e of listed) {
      expect(e.actorId).not.toBe(b.user.id);
      expect(e.actorId).not.toBe(bMember.user.id);
      expect(idsOfB.has(e.targetId)).toBe(false);
    }
    const text = JSON.stringify(listed);
    for (const secret of secretsOfB) expect(text).not.toContain(secret);
  });

  it("events.list pages of A stay in A (cursor walk)", async () => {
    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const page: { items: { id: string; actorId: string | null }[]; nextCursor: string | null } = ok(
        await a.client.query("events.list", { orgId: a.org.id, limit: 1, cursor }),
      );
      seen.push(...page.items.map((i) => i.id));
      for (const i of page.items) expect([a.user.id, null]).toContain(i.actorId);
      cursor = page.nextCursor;
    } while (cursor && seen.length < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await auditTrail(db, a.org.id)).length);
  });

  it("B's event under A's orgId: events.get is NOT_FOUND, as for a made-up id; A's facets and stats hold nothing of B", async () => {
    const r = await a.client.query("events.get", { orgId: a.org.id, id: bEventId });
    expect(r.error?.code, r.text).toBe("NOT_FOUND");
    const none = await a.client.query("events.get", { orgId: a.org.id, id: "00000000-0000-4000-8000-000000000000" });
    expect(none.error).toEqual(r.error);
    for (const secret of secretsOfB) expect(r.text).not.toContain(secret);

    const ownA = (await auditTrail(db, a.org.id)).length;
    const stats = ok(await a.client.query<{ totals: { events: number } }>("events.stats", { orgId: a.org.id, period: "all" }));
    expect(stats.totals.events).toBe(ownA);
    for (const column of ["actor", "type", "targetName"]) {
      const options = await a.client.query("events.options", { orgId: a.org.id, column, period: "all" });
      expect(options.status, options.text).toBe(200);
      for (const secret of secretsOfB) expect(options.text, `${column} leaks ${secret}`).not.toContain(secret);
    }
  });

  it("invitations.get / accept of another org's invitation: NOT_FOUND, and no membership", async () => {
    const get = await a.client.query("invitations.get", { invitationId: bInvitationId });
    expect(get.error?.code).toBe("NOT_FOUND");
    for (const secret of secretsOfB.filter((s) => s !== bInvitationId)) expect(get.text).not.toContain(secret);
    // The same answer as for an invitation that does not exist.
    const none = await a.client.query("invitations.get", { invitationId: "inv_does_not_exist" });
    expect(none.error).toEqual(get.error);

    const accept = await a.client.mutate("invitations.accept", { invitationId: bInvitationId });
    expect(accept.status).toBeGreaterThanOrEqual(400);
    expect(accept.status).toBeLessThan(500);
    const orgs = ok(await a.client.query<{ organizations: { id: string }[] }>("me.get")).organizations.map((o) => o.id);
    expect(orgs).toEqual([a.org.id]);
  });

  it("B's memberId / invitationId / API key id under A's orgId: NOT_FOUND, and B is untouched", async () => {
    const before = await stateOfB();
    const calls = [
      ["members.updateRole", { orgId: a.org.id, memberId: bMemberId, role: "admin" }],
      ["members.remove", { orgId: a.org.id, memberId: bMemberId }],
      ["members.cancelInvitation", { orgId: a.org.id, invitationId: bInvitationId }],
      ["apiKeys.revoke", { orgId: a.org.id, id: bApiKeyId }],
    ] as const;
    for (const [path, input] of calls) {
      const r = await a.client.mutate(path, input);
      expect(r.error?.code, `${path}: ${r.text}`).toBe("NOT_FOUND");
      for (const secret of secretsOfB.filter((s) => ![bMemberId, bInvitationId, bApiKeyId].includes(s))) {
        expect(r.text).not.toContain(secret);
      }
    }
    expect(await stateOfB()).toEqual(before);
  });

  it("platform.tenants and me.get are not a way around: a non-operator sees only their own orgs", async () => {
    const r = await a.client.query("platform.tenants");
    expect(r.error?.code).toBe("FORBIDDEN");
    expect(r.text).not.toContain(b.org.id);
    const me = await a.client.query("me.get");
    for (const secret of secretsOfB) expect(me.text).not.toContain(secret);
  });
});
