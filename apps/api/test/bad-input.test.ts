import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, Client, ok, ownerWithOrg, serverErrors, startApp, uniqueEmail } from "./helpers";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const UUID = "0190f5c2-7a1b-7c3d-8e4f-0123456789ab";

/** Bad input is the caller's fault: a 4xx that says what is wrong, never a 500. */
describe("bad input", () => {
  const ctx = startApp();
  const { app } = ctx;
  let owner: Awaited<ReturnType<typeof ownerWithOrg>>;
  let orgId: string;

  beforeAll(async () => {
    owner = await ownerWithOrg(app, "badinput");
    orgId = owner.org.id;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it("invite with an invalid email: BAD_REQUEST naming the field", async () => {
    for (const email of ["not-an-email", "", "a@", "@example.test", "two@@example.test"]) {
      const r = await owner.client.mutate("members.invite", { orgId, email, role: "member" });
      expect(r.status, `${email}: ${r.text}`).toBe(400);
      expect(r.error?.code).toBe("BAD_REQUEST");
      expect(r.error?.message).toMatch(/^email: /);
      expect(r.error?.message).toContain("Enter a valid email address");
    }
  });

  it("invite with an unknown role: BAD_REQUEST naming the field and the roles", async () => {
    const r = await owner.client.mutate("members.invite", { orgId, email: uniqueEmail("x"), role: "superuser" });
    expect(r.error?.code).toBe("BAD_REQUEST");
    expect(r.error?.message).toBe("role: role must be one of owner, admin, auditor, member");
  });

  it("a missing or empty orgId: BAD_REQUEST naming orgId", async () => {
    for (const input of [{}, { orgId: "" }, { orgId: 42 }]) {
      const r = await owner.client.query("members.list", input);
      expect(r.error?.code, r.text).toBe("BAD_REQUEST");
      expect(r.error?.message).toMatch(/^orgId: /);
    }
  });

  const forgedCursors: [string, string][] = [
    ["not base64 json", "garbage!!"],
    ["an object, not a pair", b64({ t: "2026-01-01T00:00:00Z", id: UUID })],
    ["a pair of numbers", b64([1, 2])],
    ["a bad id", b64(["2026-01-01T00:00:00Z", "not-a-uuid"])],
    ["a bad time", b64(["yesterday-ish", UUID])],
    ["an id with SQL in it", b64(["2026-01-01T00:00:00Z", "' OR 1=1 --"])],
    ["too long", "A".repeat(600)],
  ];

  it.each(forgedCursors)("events.list with a forged cursor (%s): BAD_REQUEST cursor", async (_label, cursor) => {
    const r = await owner.client.query("events.list", { orgId, cursor });
    expect(r.status, r.text).toBe(400);
    expect(r.error?.code).toBe("BAD_REQUEST");
    expect(r.error?.message).toMatch(/^cursor: /);
  });

  // Forged cursors that pass decodeCursor's checks but are not values Postgres accepts.
  const decoderPassing: [string, string][] = [
    ["an id of 36 dashes", b64(["2026-01-01T00:00:00Z", "-".repeat(36)])],
    ["an id of 36 hex digits", b64(["2026-01-01T00:00:00Z", "a".repeat(36)])],
    ["a time JavaScript parses but Postgres does not", b64(["1", UUID])],
  ];

  it.each(decoderPassing)("events.list with a forged cursor (%s): BAD_REQUEST cursor, not a 500", async (_label, cursor) => {
    const r = await owner.client.query("events.list", { orgId, cursor });
    expect(r.status, r.text).toBe(400);
    expect(r.error?.code).toBe("BAD_REQUEST");
    expect(r.error?.message).toMatch(/^cursor: /);
  });

  it("a real cursor still works after all that", async () => {
    const first = ok(
      await owner.client.query<{ items: unknown[]; nextCursor: string | null }>("events.list", { orgId, limit: 1 }),
    );
    expect(first.items).toHaveLength(1);
    if (first.nextCursor) ok(await owner.client.query("events.list", { orgId, limit: 1, cursor: first.nextCursor }));
  });

  it("other malformed events.list input: BAD_REQUEST naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: "everything" }, "kind"],
      [{ limit: 0 }, "limit"],
      [{ limit: 501 }, "limit"],
      [{ limit: 2.5 }, "limit"],
      [{ limit: "10" }, "limit"],
    ];
    for (const [extra, field] of cases) {
      const r = await owner.client.query("events.list", { orgId, ...extra });
      expect(r.error?.code, r.text).toBe("BAD_REQUEST");
      expect(r.error?.message).toMatch(new RegExp(`^${field}: `));
    }
  });

  it("organizations.create with a too-short name: BAD_REQUEST naming the field", async () => {
    const r = await owner.client.mutate("organizations.create", { name: " a " });
    expect(r.error?.code).toBe("BAD_REQUEST");
    expect(r.error?.message).toBe("name: Name must be at least 2 characters");
  });

  it("unknown ids are 4xx, not 500", async () => {
    const calls = [
      owner.client.mutate("members.updateRole", { orgId, memberId: "nope", role: "member" }),
      owner.client.mutate("members.remove", { orgId, memberId: "nope" }),
      owner.client.mutate("members.cancelInvitation", { orgId, invitationId: "nope" }),
      owner.client.query("invitations.get", { invitationId: "nope" }),
      owner.client.mutate("invitations.accept", { invitationId: "nope" }),
    ];
    for (const r of await Promise.all(calls)) {
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
    }
  });

  it("inviting twice or inviting a member: 4xx with better-auth's message", async () => {
    const email = uniqueEmail("twice");
    ok(await owner.client.mutate("members.invite", { orgId, email, role: "member" }));
    const again = await owner.client.mutate("members.invite", { orgId, email, role: "member" });
    expect(again.error?.code, again.text).toBe("BAD_REQUEST");
    expect(again.error?.message.length).toBeGreaterThan(0);
    const self = await owner.client.mutate("members.invite", { orgId, email: owner.user.email, role: "member" });
    expect(self.error?.code, self.text).toBe("BAD_REQUEST");
  });

  it("malformed tRPC requests: 4xx", async () => {
    const c = owner.client;
    const badJson = await c.request(`/trpc/events.list?input=${encodeURIComponent("{not json")}`);
    expect(badJson.status).toBe(400);
    const noSuchProcedure = await c.request("/trpc/events.delete");
    expect(noSuchProcedure.status).toBe(404);
    const queryAsMutation = await c.postJson("/trpc/events.list", { orgId });
    expect(queryAsMutation.status).toBeGreaterThanOrEqual(400);
    expect(queryAsMutation.status).toBeLessThan(500);
    const bodyNotJson = await c.request("/trpc/members.invite", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(bodyNotJson.status).toBe(400);
  });

  it("calls without a session: UNAUTHORIZED", async () => {
    const anon = new Client(app);
    const r = await anon.query("events.list", { orgId });
    expect(r.status).toBe(401);
    expect(r.error?.code).toBe("UNAUTHORIZED");
    const forged = new Client(app);
    forged.cookies.set("better-auth.session_token", "forged.token");
    expect((await forged.query("me.get")).error?.code).toBe("UNAUTHORIZED");
  });

  it("bad sign-up and sign-in bodies: 4xx", async () => {
    const anon = new Client(app);
    const cases: [string, unknown][] = [
      ["/api/auth/sign-up/email", { name: "X", email: "not-an-email", password: "long-enough-1" }],
      ["/api/auth/sign-up/email", { name: "X", email: uniqueEmail("short"), password: "short" }],
      ["/api/auth/sign-in/email", { email: "not-an-email", password: "whatever-123" }],
      ["/api/auth/sign-in/email", { password: "whatever-123" }],
    ];
    for (const [path, body] of cases) {
      const res = await anon.postJson(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const notJson = await anon.request("/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
  });

  it("a cookie-carrying POST from an unknown origin is refused (CSRF), and the session survives", async () => {
    const cookie = [...owner.client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await app.request(`${BASE_URL}/api/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.test", cookie },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(ok(await owner.client.query<{ user: { id: string } }>("me.get")).user.id).toBe(owner.user.id);
  });

  it("an internal error never reveals the SQL, its parameters or the tenant id", async () => {
    // Any input that makes the server fail will do; today a decoder-passing forged cursor does.
    const r = await owner.client.query("events.list", { orgId, cursor: b64(["2026-01-01T00:00:00Z", "-".repeat(36)]) });
    expect(r.text).not.toMatch(/Failed query|select |params:/i);
    expect(r.text).not.toContain(orgId);
  });

  it("nothing above was logged as a server error", () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
  });
});
