import { insertEvents } from "@logbook/db/queries/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, newUser, ok, ownerWithOrg, serverErrors, startApp } from "./helpers";

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

type Usage = {
  dimension: string;
  bucketSeconds: number;
  totals: { requests: number; totalTokens: number; errors: number; errorRate: number; positiveShare: number | null };
  keys: { kind: string; value: string | null; label: string; requests: number }[];
  series: { start: string; requests: number; requestsByKey: number[] }[];
  topUsers: { value: string; label: string; requests: number }[];
  topModels: { value: string; requests: number }[];
};

describe("events.usage (tRPC)", () => {
  const ctx = startApp();
  const { app, auth, db } = ctx;
  let orgId: string;
  let owner: Client;
  let auditor: Client;
  let member: Client;
  let bOrgId: string;
  let bOwner: Client;

  beforeAll(async () => {
    const [a, b] = await Promise.all([ownerWithOrg(app, "usage-a"), ownerWithOrg(app, "usage-b")]);
    [orgId, owner, bOrgId, bOwner] = [a.org.id, a.client, b.org.id, b.client];
    const [aud, mem] = await Promise.all([newUser(app, "usage-auditor"), newUser(app, "usage-member")]);
    await auth.api.addMember({ body: { userId: aud.user.id, organizationId: orgId, role: "auditor" } });
    await auth.api.addMember({ body: { userId: mem.user.id, organizationId: orgId, role: "member" } });
    [auditor, member] = [aud.client, mem.client];
    const chat = { kind: "interaction" as const, type: "ai.interaction" };
    await insertEvents(db, {
      tenantId: orgId,
      events: [
        { ...chat, occurredAt: ago(10 * MINUTE), model: "gpt-a", actorId: "u-ada", actorName: "Ada", inputTokens: 100 },
        { ...chat, occurredAt: ago(11 * MINUTE), model: "gpt-a", actorId: "u-ada", sentiment: "positive", outputTokens: 5 },
        { ...chat, occurredAt: ago(12 * MINUTE), model: "gpt-b", actorId: "u-bob", isError: true, sentiment: "negative" },
        { ...chat, occurredAt: ago(3 * 24 * 60 * MINUTE), model: "gpt-old", actorId: "u-old" },
        { kind: "system", type: "sync.dbt.started", occurredAt: ago(5 * MINUTE), source: "scheduler" },
      ],
    });
    await insertEvents(db, {
      tenantId: bOrgId,
      events: [{ ...chat, occurredAt: ago(MINUTE), model: "gpt-only-b", actorId: "u-b", inputTokens: 77_777 }],
    });
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  const usage = (c: Client, input: Record<string, unknown>, org = orgId) =>
    c.query<Usage>("events.usage", { orgId: org, ...input });

  it("answers usage of the organization's interactions, split by model by default", async () => {
    const result = ok(await usage(owner, { kind: "interaction" }));
    expect(result.dimension).toBe("model");
    expect(result.bucketSeconds).toBe(900);
    // 24 hours of 15-minute buckets: 96, or 97 when now is not on a bucket boundary.
    expect(result.series.length).toBeGreaterThanOrEqual(96);
    expect(result.series.length).toBeLessThanOrEqual(97);
    expect(result.totals).toMatchObject({ requests: 3, totalTokens: 105, errors: 1, errorRate: 1 / 3, positiveShare: 0.5 });
    expect(result.keys.map((k) => [k.value, k.requests])).toEqual([
      ["gpt-a", 2],
      ["gpt-b", 1],
    ]);
    expect(result.topUsers.map((u) => [u.value, u.label, u.requests])).toEqual([
      ["u-ada", "Ada", 2],
      ["u-bob", "u-bob", 1],
    ]);
    expect(result.topModels.map((m) => m.value)).toEqual(["gpt-a", "gpt-b"]);
  });

  it("takes the dimension and the filters of the log views", async () => {
    const byUser = ok(await usage(owner, { kind: "interaction", period: "7d", dimension: "user" }));
    expect(byUser.keys.map((k) => k.value)).toEqual(["u-ada", "u-bob", "u-old"]);
    const bySource = ok(await usage(owner, { period: "1h", kind: ["interaction", "system"], dimension: "source" }));
    expect(bySource.keys.map((k) => [k.kind, k.value, k.requests])).toEqual([
      ["none", null, 3],
      ["value", "scheduler", 1],
    ]);
    const filtered = ok(await usage(owner, { model: "gpt-b", isError: true }));
    expect(filtered.totals.requests).toBe(1);
  });

  it("refuses an unknown dimension with BAD_REQUEST", async () => {
    const result = await usage(owner, { dimension: "tier" });
    expect(result.error?.code).toBe("BAD_REQUEST");
  });

  it("lets an auditor read usage; a member gets FORBIDDEN", async () => {
    expect(ok(await usage(auditor, { kind: "interaction" })).totals.requests).toBe(3);
    const denied = await usage(member, { kind: "interaction" });
    expect(denied.error?.code).toBe("FORBIDDEN");
  });

  it("never crosses tenants: B sees only B, and A's org id is refused to B", async () => {
    const ofB = ok(await usage(bOwner, { kind: "interaction" }, bOrgId));
    expect(ofB.keys.map((k) => k.value)).toEqual(["gpt-only-b"]);
    expect(ofB.totals.totalTokens).toBe(77_777);
    const mine = await usage(owner, { kind: "interaction", period: "all" });
    expect(mine.text).not.toContain("gpt-only-b");
    expect(mine.text).not.toContain('u-b"');
    const intruder = await usage(bOwner, { kind: "interaction" }, orgId);
    expect(intruder.error?.code).toBe("FORBIDDEN");
    expect(intruder.text).not.toContain("gpt-a");
  });
});
