import { can, type Permission, permissionMatrix, permissions, type Role, roles } from "@logbook/shared/permissions";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Client,
  memberIdOf,
  newUser,
  ok,
  ownerWithOrg,
  serverErrors,
  startApp,
  type TrpcResult,
  uniqueEmail,
} from "./helpers";

/**
 * For each permission, one procedure guarded by it, called in a way that changes nothing durable
 * (or only adds an invitation). Permissions without a procedure yet are checked through can() only.
 */
const probes: Partial<Record<Permission, (c: Client, orgId: string) => Promise<TrpcResult>>> = {
  "logs:read": (c, orgId) => c.query("events.list", { orgId, limit: 1 }),
  "members:read": (c, orgId) => c.query("members.list", { orgId }),
  "apiKeys:manage": (c, orgId) => c.query("apiKeys.list", { orgId }),
  "members:manage": (c, orgId) => c.mutate("members.invite", { orgId, email: uniqueEmail("matrix-invite"), role: "member" }),
  "settings:manage": (c, orgId) => c.query("settings.getPrivacy", { orgId }),
  "exports:download": (c, orgId) => c.query("exports.list", { orgId }),
};
/** Other procedures guarded by a permission that has a probe above; each must behave the same. */
const alsoGuarded: { permission: Permission; call: (c: Client, orgId: string) => Promise<TrpcResult>; allowedCode?: string }[] = [
  { permission: "members:read", call: (c, orgId) => c.query("organizations.get", { orgId }) },
  // A made-up id: allowed callers get past the guard and find nothing.
  {
    permission: "members:manage",
    call: (c, orgId) => c.mutate("members.cancelInvitation", { orgId, invitationId: "inv_nope" }),
    allowedCode: "NOT_FOUND",
  },
  {
    permission: "members:manage",
    call: (c, orgId) => c.mutate("members.updateRole", { orgId, memberId: "mem_nope", role: "member" }),
    allowedCode: "NOT_FOUND",
  },
  {
    permission: "exports:create",
    call: (c, orgId) => c.mutate("exports.cancel", { orgId, id: "00000000-0000-4000-8000-000000000000" }),
    allowedCode: "NOT_FOUND",
  },
  {
    permission: "exports:download",
    call: (c, orgId) => c.mutate("exports.downloadLink", { orgId, id: "00000000-0000-4000-8000-000000000000" }),
    allowedCode: "NOT_FOUND",
  },
  {
    permission: "schedules:manage",
    call: (c, orgId) => c.mutate("exports.schedules.delete", { orgId, id: "00000000-0000-4000-8000-000000000000" }),
    allowedCode: "NOT_FOUND",
  },
  {
    permission: "members:manage",
    call: (c, orgId) => c.mutate("members.remove", { orgId, memberId: "mem_nope" }),
    allowedCode: "NOT_FOUND",
  },
  { permission: "logs:read", call: (c, orgId) => c.query("events.options", { orgId, column: "model" }) },
  { permission: "logs:read", call: (c, orgId) => c.query("events.stats", { orgId, period: "1h" }) },
  {
    permission: "logs:read",
    call: (c, orgId) => c.query("events.get", { orgId, id: "00000000-0000-4000-8000-000000000000" }),
    allowedCode: "NOT_FOUND",
  },
  // An empty name: allowed callers get past the guard and are refused on the input, creating nothing.
  {
    permission: "apiKeys:manage",
    call: (c, orgId) => c.mutate("apiKeys.create", { orgId, name: "" }),
    allowedCode: "BAD_REQUEST",
  },
  {
    permission: "apiKeys:manage",
    call: (c, orgId) => c.mutate("apiKeys.revoke", { orgId, id: "00000000-0000-4000-8000-000000000000" }),
    allowedCode: "NOT_FOUND",
  },
  // An invalid pattern: allowed callers get past the guard and are refused on the input, saving nothing.
  {
    permission: "settings:manage",
    call: (c, orgId) => c.mutate("settings.updatePrivacy", { orgId, customPatterns: ["(unclosed"] }),
    allowedCode: "BAD_REQUEST",
  },
];
/** Not reachable through the API yet (exports, schedules, retention, settings, content). */
const withoutProcedure = permissions.filter((p) => !probes[p]);

describe("role × permission matrix", () => {
  const ctx = startApp();
  const { app, auth, db } = ctx;
  let orgId: string;
  const clients = {} as Record<Role, Client>;
  const users = {} as Record<Role, { id: string; email: string }>;

  beforeAll(async () => {
    const owner = await ownerWithOrg(app, "matrix");
    orgId = owner.org.id;
    clients.owner = owner.client;
    users.owner = owner.user;
    for (const role of roles.filter((r) => r !== "owner")) {
      const u = await newUser(app, `matrix-${role}`);
      await auth.api.addMember({ body: { userId: u.user.id, organizationId: orgId, role } });
      clients[role] = u.client;
      users[role] = u.user;
    }
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("each role sees its own role in the organization", async () => {
    for (const role of roles) {
      const me = ok(await clients[role].query<{ organizations: { id: string; role: string }[] }>("me.get"));
      expect(me.organizations.find((o) => o.id === orgId)?.role, role).toBe(role);
    }
  });

  const cases = roles.flatMap((role) => permissions.map((permission) => ({ role, permission })));

  it.each(cases)("$role × $permission: allowed ⇔ can()", async ({ role, permission }) => {
    const allowed = can(role, permission);
    expect(allowed).toBe(permissionMatrix[role].includes(permission));
    const probe = probes[permission];
    if (!probe) return; // no procedure guarded by this permission yet: can() is all there is to check
    const r = await probe(clients[role], orgId);
    if (allowed) {
      expect(r.status, r.text).toBe(200);
    } else {
      expect(r.status, r.text).toBe(403);
      expect(r.error?.code).toBe("FORBIDDEN");
      expect(r.error?.message).toBe(`Missing permission: ${permission} (your role: ${role})`);
    }
  });

  it.each(roles.flatMap((role) => alsoGuarded.map((g, i) => ({ role, i, ...g }))))(
    "$role: other procedure #$i guarded by $permission agrees with can()",
    async ({ role, permission, call, allowedCode }) => {
      const r = await call(clients[role], orgId);
      if (can(role, permission)) {
        if (allowedCode) expect(r.error?.code, r.text).toBe(allowedCode);
        else expect(r.status, r.text).toBe(200);
      } else {
        expect(r.error?.code, r.text).toBe("FORBIDDEN");
        expect(r.error?.message).toContain(permission);
      }
    },
  );

  it("the matrix follows DESIGN.md for the permissions no procedure guards yet", () => {
    // Noted: these have no tRPC procedure yet; asserted on the matrix alone.
    expect(withoutProcedure).toEqual(["content:read", "exports:create", "schedules:manage", "retention:read"]);
    const expected: Record<Permission, Role[]> = {
      "logs:read": ["owner", "admin", "auditor"],
      "content:read": ["owner", "admin", "auditor"],
      "exports:create": ["owner", "admin", "auditor"],
      "exports:download": ["owner", "admin", "auditor"],
      "schedules:manage": ["owner", "admin"],
      "apiKeys:manage": ["owner", "admin"],
      "members:manage": ["owner", "admin"],
      "members:read": ["owner", "admin", "auditor", "member"],
      "retention:read": ["owner", "admin", "auditor"],
      "settings:manage": ["owner", "admin"],
    };
    for (const p of permissions)
      expect(
        roles.filter((r) => can(r, p)),
        p,
      ).toEqual(expected[p]);
    expect(can(null, "members:read")).toBe(false);
  });

  describe("who may hand out which role", () => {
    it("an admin cannot make anyone owner, by invitation or by role change", async () => {
      const invite = await clients.admin.mutate("members.invite", { orgId, email: uniqueEmail("would-be-owner"), role: "owner" });
      expect(invite.error?.code).toBe("FORBIDDEN");
      expect(invite.error?.message).toBe("An admin cannot assign the owner role");

      const memberId = await memberIdOf(db, orgId, users.member.id);
      const promote = await clients.admin.mutate("members.updateRole", { orgId, memberId, role: "owner" });
      expect(promote.error?.code).toBe("FORBIDDEN");
      expect(promote.error?.message).toBe("An admin cannot assign the owner role");

      const self = await clients.admin.mutate("members.updateRole", {
        orgId,
        memberId: await memberIdOf(db, orgId, users.admin.id),
        role: "owner",
      });
      expect(self.error?.code).toBe("FORBIDDEN");
      const roleOf = async (userId: string) =>
        (await db.execute(sql`SELECT role FROM member WHERE organization_id = ${orgId} AND user_id = ${userId}`)).rows[0]?.role;
      expect(await roleOf(users.member.id)).toBe("member");
      expect(await roleOf(users.admin.id)).toBe("admin");
    });

    it("an admin cannot demote or remove the owner", async () => {
      const ownerMemberId = await memberIdOf(db, orgId, users.owner.id);
      const demote = await clients.admin.mutate("members.updateRole", { orgId, memberId: ownerMemberId, role: "member" });
      expect(demote.error?.code).toBe("FORBIDDEN");
      expect(demote.error?.message).toBe("Only an owner can change an owner's role");
      const remove = await clients.admin.mutate("members.remove", { orgId, memberId: ownerMemberId });
      expect(remove.error?.code).toBe("FORBIDDEN");
      expect(remove.error?.message).toBe("Only an owner can remove an owner");
      expect(await memberIdOf(db, orgId, users.owner.id)).toBe(ownerMemberId);
    });

    it("the only owner can neither demote nor remove themselves (the org keeps an owner)", async () => {
      const ownerMemberId = await memberIdOf(db, orgId, users.owner.id);
      const demote = await clients.owner.mutate("members.updateRole", { orgId, memberId: ownerMemberId, role: "admin" });
      expect(demote.status, demote.text).toBeGreaterThanOrEqual(400);
      expect(demote.status, demote.text).toBeLessThan(500);
      const remove = await clients.owner.mutate("members.remove", { orgId, memberId: ownerMemberId });
      expect(remove.status, remove.text).toBeGreaterThanOrEqual(400);
      expect(remove.status, remove.text).toBeLessThan(500);
      const owners = await db.execute(
        sql`SELECT count(*)::int AS n FROM member WHERE organization_id = ${orgId} AND role = 'owner'`,
      );
      expect(owners.rows[0]).toEqual({ n: 1 });
    });

    it("an admin can promote a member to admin and back", async () => {
      const memberId = await memberIdOf(db, orgId, users.member.id);
      ok(await clients.admin.mutate("members.updateRole", { orgId, memberId, role: "admin" }));
      ok(await clients.admin.mutate("members.updateRole", { orgId, memberId, role: "member" }));
      const r = await clients.member.query<{ myRole: string }>("members.list", { orgId });
      expect(ok(r).myRole).toBe("member");
    });

    it("an owner can invite an owner", async () => {
      const r = await clients.owner.mutate("members.invite", { orgId, email: uniqueEmail("co-owner"), role: "owner" });
      expect(r.status, r.text).toBe(200);
    });
  });

  describe("platform.tenants (operators only)", () => {
    it("every organization role is FORBIDDEN, naming the operator role", async () => {
      for (const role of roles) {
        const r = await clients[role].query("platform.tenants");
        expect(r.error?.code, role).toBe("FORBIDDEN");
        expect(r.error?.message).toContain("operator");
        expect(r.data).toBeUndefined();
      }
    });

    it("without a session it is UNAUTHORIZED", async () => {
      const r = await app.request("http://logbook.test/trpc/platform.tenants");
      expect(r.status).toBe(401);
    });

    it("an operator gets the tenants with member counts", async () => {
      const op = await newUser(app, "matrix-operator");
      await db.execute(sql`UPDATE "user" SET platform_role = 'operator' WHERE id = ${op.user.id}`);
      expect(ok(await op.client.query<{ user: { platformRole: string | null } }>("me.get")).user.platformRole).toBe("operator");
      const tenants = ok(await op.client.query<{ id: string; members: number }[]>("platform.tenants"));
      expect(tenants.find((t) => t.id === orgId)).toMatchObject({ id: orgId, members: roles.length });
      // An operator is not a member: tenant procedures stay closed to them.
      const r = await op.client.query("events.list", { orgId });
      expect(r.error?.code).toBe("FORBIDDEN");
    });
  });
});
