import { randomUUID } from "node:crypto";
import { createApiKey, hashApiKey } from "@logbook/db/queries/api-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, auditTrail, type Client, newUser, ok, ownerWithOrg, serverErrors, startApp } from "./helpers";

type KeyView = {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: "active" | "expired" | "revoked";
};
type Created = { key: string; apiKey: KeyView };

function sendEvent(app: App, key: string) {
  return app.request("http://logbook.test/v1/events", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "system", type: "sync.dbt.started", occurred_at: new Date().toISOString() }),
  });
}

async function errorCode(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code?: string } }).error?.code;
}

describe("API keys", () => {
  const ctx = startApp();
  const { app, auth, db } = ctx;
  let a: Awaited<ReturnType<typeof ownerWithOrg>>;
  let b: Awaited<ReturnType<typeof ownerWithOrg>>;
  const others = {} as Record<"admin" | "auditor" | "member", Client>;

  beforeAll(async () => {
    [a, b] = await Promise.all([ownerWithOrg(app, "keys-a"), ownerWithOrg(app, "keys-b")]);
    for (const role of ["admin", "auditor", "member"] as const) {
      const u = await newUser(app, `keys-${role}`);
      await auth.api.addMember({ body: { userId: u.user.id, organizationId: a.org.id, role } });
      others[role] = u.client;
    }
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("create returns the secret once; list never contains it or its hash", async () => {
    const created = ok(await a.client.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: "  CI pipeline  " }));
    expect(created.key).toMatch(/^lb_[A-Za-z0-9]{40}$/);
    expect(created.apiKey).toMatchObject({ name: "CI pipeline", prefix: created.key.slice(0, 12), status: "active" });
    expect(created.apiKey).toMatchObject({ createdBy: a.user.id, expiresAt: null, revokedAt: null, lastUsedAt: null });
    expect(Object.keys(created.apiKey)).not.toContain("keyHash");

    const list = await a.client.query<KeyView[]>("apiKeys.list", { orgId: a.org.id });
    const item = ok(list).find((k) => k.id === created.apiKey.id);
    expect(item).toMatchObject({ name: "CI pipeline", prefix: created.key.slice(0, 12), status: "active" });
    expect(item?.createdByName).toBe(a.user.name);
    expect(list.text).not.toContain(created.key);
    expect(list.text).not.toContain(created.key.slice(12));
    expect(list.text).not.toContain(hashApiKey(created.key));
  });

  it("the key authenticates POST /v1/events, and its last use is recorded", async () => {
    const { key, apiKey } = ok(await a.client.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: "ingest" }));
    const res = await sendEvent(app, key);
    expect(res.status, await res.clone().text()).toBe(200);
    await expect
      .poll(async () => ok(await a.client.query<KeyView[]>("apiKeys.list", { orgId: a.org.id })).find((k) => k.id === apiKey.id))
      .toMatchObject({ lastUsedAt: expect.any(String) });
  });

  it("revoke takes effect on the very next request (403 api_key_revoked)", async () => {
    const { key, apiKey } = ok(await a.client.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: "to revoke" }));
    expect((await sendEvent(app, key)).status).toBe(200);
    const revoked = ok(await a.client.mutate<KeyView>("apiKeys.revoke", { orgId: a.org.id, id: apiKey.id }));
    expect(revoked).toMatchObject({ id: apiKey.id, status: "revoked", revokedAt: expect.any(String) });
    const res = await sendEvent(app, key);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("api_key_revoked");

    // Revoking again changes nothing and records nothing more.
    const again = ok(await a.client.mutate<KeyView>("apiKeys.revoke", { orgId: a.org.id, id: apiKey.id }));
    expect(again.revokedAt).toBe(revoked.revokedAt);
    const trail = await auditTrail(db, a.org.id, "api_key.revoked");
    expect(trail.filter((e) => e.target_id === apiKey.id)).toHaveLength(1);
  });

  it("an expired key gets 403 api_key_expired and is listed as expired", async () => {
    const { key, apiKey } = await createApiKey(db, {
      tenantId: a.org.id,
      name: "expired",
      expiresAt: new Date(Date.now() - 60_000),
    });
    const res = await sendEvent(app, key);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("api_key_expired");
    const item = ok(await a.client.query<KeyView[]>("apiKeys.list", { orgId: a.org.id })).find((k) => k.id === apiKey.id);
    expect(item?.status).toBe("expired");
  });

  it("expiresInDays sets the expiry; bad input is a BAD_REQUEST naming the field", async () => {
    const before = Date.now();
    const { apiKey } = ok(await a.client.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: "30d", expiresInDays: 30 }));
    const expires = new Date(apiKey.expiresAt ?? 0).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 5_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000 + 5_000);

    for (const [input, field] of [
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(81) }, "name"],
      [{ name: "ok", expiresInDays: 0 }, "expiresInDays"],
      [{ name: "ok", expiresInDays: 3651 }, "expiresInDays"],
      [{ name: "ok", expiresInDays: 1.5 }, "expiresInDays"],
    ] as const) {
      const r = await a.client.mutate("apiKeys.create", { orgId: a.org.id, ...input });
      expect(r.error?.code, r.text).toBe("BAD_REQUEST");
      expect(r.error?.message).toContain(field);
    }
    const r = await a.client.mutate("apiKeys.revoke", { orgId: a.org.id, id: "not-a-uuid" });
    expect(r.error?.code, r.text).toBe("BAD_REQUEST");
  });

  it("an admin manages keys too", async () => {
    const { apiKey } = ok(await others.admin.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: "admin's" }));
    expect(ok(await others.admin.query<KeyView[]>("apiKeys.list", { orgId: a.org.id })).map((k) => k.id)).toContain(apiKey.id);
    expect(ok(await others.admin.mutate<KeyView>("apiKeys.revoke", { orgId: a.org.id, id: apiKey.id })).status).toBe("revoked");
  });

  it.each(["auditor", "member"] as const)("%s gets FORBIDDEN naming apiKeys:manage on every procedure", async (role) => {
    const { apiKey } = ok(await a.client.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: `kept from ${role}` }));
    const c = others[role];
    const calls = [
      c.query("apiKeys.list", { orgId: a.org.id }),
      c.mutate("apiKeys.create", { orgId: a.org.id, name: "sneaky" }),
      c.mutate("apiKeys.revoke", { orgId: a.org.id, id: apiKey.id }),
    ];
    for (const r of await Promise.all(calls)) {
      expect(r.status, r.text).toBe(403);
      expect(r.error?.code).toBe("FORBIDDEN");
      expect(r.error?.message).toBe(`Missing permission: apiKeys:manage (your role: ${role})`);
      expect(r.text).not.toContain(apiKey.prefix);
    }
    const list = ok(await a.client.query<KeyView[]>("apiKeys.list", { orgId: a.org.id }));
    expect(list.find((k) => k.id === apiKey.id)?.status).toBe("active");
    expect(list.some((k) => k.name === "sneaky")).toBe(false);
  });

  it("another tenant's key id is NOT_FOUND, and that key keeps working", async () => {
    const bKey = ok(await b.client.mutate<Created>("apiKeys.create", { orgId: b.org.id, name: "B's key" }));
    const r = await a.client.mutate("apiKeys.revoke", { orgId: a.org.id, id: bKey.apiKey.id });
    expect(r.error?.code, r.text).toBe("NOT_FOUND");
    expect(r.text).not.toContain("B's key");
    expect((await a.client.mutate("apiKeys.revoke", { orgId: a.org.id, id: randomUUID() })).error).toEqual(r.error);
    expect(ok(await a.client.query<KeyView[]>("apiKeys.list", { orgId: a.org.id })).map((k) => k.id)).not.toContain(
      bKey.apiKey.id,
    );
    expect((await sendEvent(app, bKey.key)).status).toBe(200);
  });

  it("creating and revoking are recorded in the audit trail, without the secret", async () => {
    const { key, apiKey } = ok(await a.client.mutate<Created>("apiKeys.create", { orgId: a.org.id, name: "audited" }));
    ok(await a.client.mutate("apiKeys.revoke", { orgId: a.org.id, id: apiKey.id }));
    const trail = (await auditTrail(db, a.org.id)).filter((e) => e.target_id === apiKey.id);
    expect(trail.map((e) => e.type)).toEqual(["api_key.created", "api_key.revoked"]);
    for (const e of trail) {
      expect(e).toMatchObject({
        status: "success",
        actor_id: a.user.id,
        actor_email: a.user.email,
        target_type: "api_key",
        target_name: "audited",
        ip: "203.0.113.10",
      });
      expect(e.metadata).toMatchObject({ prefix: apiKey.prefix });
    }
    expect(JSON.stringify(trail)).not.toContain(key);
    expect(await auditTrail(db, b.org.id, "api_key.revoked")).toEqual([]);
  });
});
