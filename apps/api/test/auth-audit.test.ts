import { PLATFORM_TENANT } from "@logbook/shared/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditByActorEmail,
  auditTrail,
  Client,
  memberIdOf,
  newUser,
  ok,
  ownerWithOrg,
  serverErrors,
  startApp,
  uniqueEmail,
} from "./helpers";

/**
 * Logbook's own audit trail, end to end through HTTP: each action of the sign-in flow and of
 * member management lands as a user_activity event of the organization concerned.
 * The tests of this file build on each other in order (one organization's story).
 */
describe("audit trail of sign-in and member management", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  const OWNER_IP = "198.51.100.7";
  const INVITEE_IP = "198.51.100.23";
  let owner: Awaited<ReturnType<typeof ownerWithOrg>>;
  let orgId: string;

  beforeAll(async () => {
    owner = await ownerWithOrg(app, "audit", OWNER_IP);
    orgId = owner.org.id;
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("records organization.created with the creator as actor", async () => {
    const rows = await auditTrail(db, orgId, "organization.created");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: "user_activity",
      status: "success",
      actor_id: owner.user.id,
      actor_email: owner.user.email,
      target_type: "organization",
      target_id: orgId,
      target_name: owner.org.name,
    });
  });

  it("events.list shows the trail to the owner", async () => {
    const list = ok(await owner.client.query<{ items: { type: string }[] }>("events.list", { orgId, kind: "user_activity" }));
    expect(list.items.map((e) => e.type)).toContain("organization.created");
  });

  it("sign-out records user.logout and ends the session", async () => {
    const res = await owner.client.signOut();
    expect(res.status).toBe(200);
    expect(owner.client.signedIn).toBe(false);
    const rows = await auditTrail(db, orgId, "user.logout");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: owner.user.id, actor_email: owner.user.email, ip: OWNER_IP, status: "success" });
    const me = await owner.client.query("me.get");
    expect(me.error?.code).toBe("UNAUTHORIZED");
  });

  it("sign-in records user.login with the caller's ip", async () => {
    const res = await owner.client.signIn(owner.user.email);
    expect(res.status).toBe(200);
    expect(owner.client.signedIn).toBe(true);
    const rows = await auditTrail(db, orgId, "user.login");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: owner.user.id, actor_email: owner.user.email, ip: OWNER_IP, status: "success" });
    expect(ok(await owner.client.query<{ user: { id: string } }>("me.get")).user.id).toBe(owner.user.id);
  });

  let wrongPassword: { status: number; body: unknown };

  it("a wrong password gives 401 and records login.failed in the user's organization", async () => {
    const stranger = new Client(app, "192.0.2.66");
    const res = await stranger.signIn(owner.user.email, "not-the-password");
    wrongPassword = { status: res.status, body: await res.json() };
    expect(res.status).toBe(401);
    expect(stranger.signedIn).toBe(false);
    const rows = await auditTrail(db, orgId, "login.failed");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "failure",
      actor_id: owner.user.id,
      actor_email: owner.user.email,
      ip: "192.0.2.66",
    });
  });

  it("an unknown email gets the same answer and is recorded under _platform, not in the organization", async () => {
    expect(wrongPassword, "runs after the wrong-password test").toBeDefined();
    const unknown = uniqueEmail("nobody");
    const stranger = new Client(app, "192.0.2.67");
    const res = await stranger.signIn(unknown, "not-the-password");
    const body = await res.json();
    expect(res.status).toBe(wrongPassword.status);
    // Same shape and same words: the response must not reveal whether the account exists.
    expect(Object.keys(body as object).sort()).toEqual(Object.keys(wrongPassword.body as object).sort());
    expect(body).toEqual(wrongPassword.body);

    const recorded = await auditByActorEmail(db, unknown);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      tenant_id: PLATFORM_TENANT,
      type: "login.failed",
      status: "failure",
      actor_id: null,
      ip: "192.0.2.67",
    });
    const inOrg = await auditTrail(db, orgId, "login.failed");
    expect(inOrg.map((r) => r.actor_email)).not.toContain(unknown);
  });

  let invitee: Awaited<ReturnType<typeof newUser>>;
  let admin: Awaited<ReturnType<typeof newUser>>;
  let inviteeMemberId: string;

  it("invite records member.invited; accepting records member.joined", async () => {
    const inviteeEmail = uniqueEmail("invitee");
    const inv = ok(
      await owner.client.mutate<{ invitationId: string; inviteUrl: string }>("members.invite", {
        orgId,
        email: inviteeEmail,
        role: "member",
      }),
    );
    expect(inv.inviteUrl).toBe(`http://logbook.test/invite/${inv.invitationId}`);

    const invited = await auditTrail(db, orgId, "member.invited");
    expect(invited).toHaveLength(1);
    expect(invited[0]).toMatchObject({
      actor_id: owner.user.id,
      target_type: "invitation",
      target_id: inv.invitationId,
      target_name: inviteeEmail,
      ip: OWNER_IP,
    });
    expect(invited[0]!.metadata).toMatchObject({ role: "member", email: inviteeEmail });

    invitee = { client: new Client(app, INVITEE_IP), user: null as never };
    invitee.user = await invitee.client.signUp(inviteeEmail, "Invitee");
    const seen = ok(
      await invitee.client.query<{ organizationId: string; role: string; expired: boolean }>("invitations.get", {
        invitationId: inv.invitationId,
      }),
    );
    expect(seen).toMatchObject({ organizationId: orgId, role: "member", expired: false, status: "pending" });
    expect(ok(await invitee.client.mutate("invitations.accept", { invitationId: inv.invitationId }))).toEqual({
      organizationId: orgId,
    });

    inviteeMemberId = await memberIdOf(db, orgId, invitee.user.id);
    const joined = await auditTrail(db, orgId, "member.joined");
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({
      actor_id: invitee.user.id,
      target_type: "member",
      target_id: inviteeMemberId,
      target_name: inviteeEmail,
      ip: INVITEE_IP,
    });
    expect(joined[0]!.metadata).toMatchObject({ role: "member", invitationId: inv.invitationId });

    const orgs = ok(await invitee.client.query<{ organizations: { id: string; role: string }[] }>("me.get")).organizations;
    expect(orgs).toEqual([expect.objectContaining({ id: orgId, role: "member" })]);
  });

  it("an admin's role change records member.role_changed with from/to and the admin as actor", async () => {
    expect(invitee, "runs after the invitation test").toBeDefined();
    // A second member, made admin by the owner, acts next.
    admin = await newUser(app, "audit-admin", "198.51.100.99");
    const adminInv = ok(
      await owner.client.mutate<{ invitationId: string }>("members.invite", { orgId, email: admin.user.email, role: "admin" }),
    );
    ok(await admin.client.mutate("invitations.accept", { invitationId: adminInv.invitationId }));
    expect(await memberIdOf(db, orgId, admin.user.id)).toBeTruthy();

    ok(await admin.client.mutate("members.updateRole", { orgId, memberId: inviteeMemberId, role: "auditor" }));
    const changed = await auditTrail(db, orgId, "member.role_changed");
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      actor_id: admin.user.id,
      actor_email: admin.user.email,
      target_type: "member",
      target_id: inviteeMemberId,
      target_name: invitee.user.email,
      ip: "198.51.100.99",
    });
    expect(changed[0]!.metadata).toMatchObject({ from: "member", to: "auditor", userId: invitee.user.id });
    const members = ok(await owner.client.query<{ members: { id: string; role: string }[] }>("members.list", { orgId })).members;
    expect(members.find((m) => m.id === inviteeMemberId)?.role).toBe("auditor");
  });

  it("an admin's removal records member.removed with the admin as actor", async () => {
    expect(admin, "runs after the role-change test").toBeDefined();
    ok(await admin.client.mutate("members.remove", { orgId, memberId: inviteeMemberId }));
    const removed = await auditTrail(db, orgId, "member.removed");
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      actor_id: admin.user.id,
      actor_email: admin.user.email,
      target_type: "member",
      target_id: inviteeMemberId,
      target_name: invitee.user.email,
    });
    expect(removed[0]!.metadata).toMatchObject({ role: "auditor", userId: invitee.user.id });
    // The removed user has lost access.
    const after = await invitee.client.query("events.list", { orgId });
    expect(after.error?.code).toBe("FORBIDDEN");
    expect(after.error?.message).toBe("You are not a member of this organization.");
  });

  it("cancelling an invitation records invitation.canceled with the canceller as actor", async () => {
    expect(admin, "runs after the role-change test").toBeDefined();
    const email = uniqueEmail("canceled");
    const inv = ok(await owner.client.mutate<{ invitationId: string }>("members.invite", { orgId, email, role: "auditor" }));
    ok(await admin.client.mutate("members.cancelInvitation", { orgId, invitationId: inv.invitationId }));
    const rows = await auditTrail(db, orgId, "invitation.canceled");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: admin.user.id,
      target_type: "invitation",
      target_id: inv.invitationId,
      target_name: email,
    });
    const pending = ok(await owner.client.query<{ invitations: { id: string }[] }>("members.list", { orgId })).invitations;
    expect(pending.map((i) => i.id)).not.toContain(inv.invitationId);
  });

  it("the whole trail is visible through events.list, newest first", async () => {
    const list = ok(
      await owner.client.query<{ items: { type: string; actorEmail: string | null }[] }>("events.list", {
        orgId,
        kind: "user_activity",
        limit: 100,
      }),
    );
    const types = list.items.map((e) => e.type);
    for (const type of [
      "organization.created",
      "user.logout",
      "user.login",
      "login.failed",
      "member.invited",
      "member.joined",
      "member.role_changed",
      "member.removed",
      "invitation.canceled",
    ]) {
      expect(types, type).toContain(type);
    }
    expect(types[0]).toBe("invitation.canceled");
    expect(types[types.length - 1]).toBe("organization.created");
    const sqlCount = (await auditTrail(db, orgId)).length;
    expect(list.items).toHaveLength(sqlCount);
  });

  it("a sign-in is recorded in every organization of the user", async () => {
    const second = ok(await admin.client.mutate<{ id: string }>("organizations.create", { name: "Admin's Own Org" }));
    const res = await admin.client.signIn(admin.user.email);
    expect(res.status).toBe(200);
    for (const tenant of [orgId, second.id]) {
      const rows = (await auditTrail(db, tenant, "user.login")).filter((r) => r.actor_id === admin.user.id);
      expect(rows, tenant).toHaveLength(1);
    }
  });
});
