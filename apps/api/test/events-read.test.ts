import { insertEvents } from "@logbook/db/queries/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, newUser, ok, ownerWithOrg, serverErrors, startApp } from "./helpers";

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const QUESTION = "I am ada@example.com and the Postgres connector fails";

type Item = { id: string; type: string; model: string | null } & Record<string, unknown>;
type Page = { items: Item[]; nextCursor: string | null };
type Stats = {
  totals: Record<"events" | "inputTokens" | "outputTokens" | "totalTokens" | "users" | "models" | "errors", number>;
  bucketSeconds: number;
  series: { start: string; events: number }[];
};
type Options = { column: string; values: { value: string | boolean; count: number }[] };
type Detail = Item & { content: { question: string | null; answer: string | null } | null; contentRedacted: boolean };

describe("events.list / options / stats / get (tRPC read path)", () => {
  const ctx = startApp();
  const { app, auth, db } = ctx;
  let orgId: string;
  let owner: Client;
  let auditor: Client;
  let bOwner: Client;
  let bOrgId: string;
  const ids = {} as Record<"chatPro" | "chatFree" | "syncStarted" | "syncFailed" | "old" | "ofB", string>;

  beforeAll(async () => {
    const [a, b] = await Promise.all([ownerWithOrg(app, "read-a"), ownerWithOrg(app, "read-b")]);
    [orgId, owner, bOrgId, bOwner] = [a.org.id, a.client, b.org.id, b.client];
    const aud = await newUser(app, "read-auditor");
    await auth.api.addMember({ body: { userId: aud.user.id, organizationId: orgId, role: "auditor" } });
    auditor = aud.client;
    const seeded = await insertEvents(db, {
      tenantId: orgId,
      events: [
        {
          kind: "interaction",
          type: "chat.answer",
          occurredAt: ago(10 * MINUTE),
          ...{ model: "gpt-a", agent: "helper", protocol: "http", sessionId: "s-1", inputTokens: 120, outputTokens: 30 },
          ...{ isError: false, actorId: "u-ada", actorEmail: "ada@example.com", actorName: "Ada Lovelace" },
          metadata: { customer: { plan: "pro", seats: 12 } },
          question: QUESTION,
          answer: "Open Settings, then Connections.",
        },
        {
          kind: "interaction",
          type: "chat.answer",
          occurredAt: ago(20 * MINUTE),
          ...{ model: "gpt-b", protocol: "mcp", inputTokens: 40, outputTokens: 10, isError: true, actorId: "u-bob" },
          metadata: { customer: { plan: "free", seats: 1 } },
          question: "Why is my sync slow?",
          answer: "Check the schedule.",
        },
        { kind: "system", type: "sync.dbt.started", occurredAt: ago(30 * MINUTE), source: "scheduler", status: "success" },
        { kind: "system", type: "sync.dbt.failed", occurredAt: ago(40 * MINUTE), source: "scheduler", status: "failure" },
        {
          kind: "interaction",
          type: "chat.answer",
          occurredAt: ago(3 * 24 * 60 * MINUTE),
          ...{ model: "gpt-a", inputTokens: 1000, outputTokens: 1000, actorId: "u-ada" },
        },
      ],
    });
    for (const [i, key] of (["chatPro", "chatFree", "syncStarted", "syncFailed", "old"] as const).entries())
      ids[key] = seeded[i]!;
    const ofB = await insertEvents(db, {
      tenantId: bOrgId,
      events: [
        { kind: "interaction", type: "chat.answer", occurredAt: ago(MINUTE), model: "gpt-only-b", question: "B's secret" },
      ],
    });
    ids.ofB = ofB[0]!;
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  const list = (c: Client, input: Record<string, unknown>) => c.query<Page>("events.list", { orgId, ...input });
  const listIds = async (input: Record<string, unknown>, c = owner) => ok(await list(c, input)).items.map((i) => i.id);

  describe("events.list", () => {
    it("newest first over the last 24 hours by default, oldest first on request, no content", async () => {
      const page = ok(await list(owner, {}));
      const seeded = page.items.map((i) => i.id).filter((id) => Object.values(ids).includes(id));
      expect(seeded).toEqual([ids.chatPro, ids.chatFree, ids.syncStarted, ids.syncFailed]);
      expect(await listIds({ kind: ["interaction", "system"], order: "asc" })).toEqual([
        ids.syncFailed,
        ids.syncStarted,
        ids.chatFree,
        ids.chatPro,
      ]);
      expect(page.items[0]).not.toHaveProperty("question");
      expect(JSON.stringify(page)).not.toContain("Postgres connector");
    });

    it.each([
      ["kind", { kind: "system" }, ["syncStarted", "syncFailed"]],
      ["type prefix", { type: "sync.*" }, ["syncStarted", "syncFailed"]],
      ["types", { type: ["sync.dbt.failed", "chat.answer"] }, ["chatPro", "chatFree", "syncFailed"]],
      ["status", { status: "failure" }, ["syncFailed"]],
      ["actor (partial, any case)", { actor: "LOVEL" }, ["chatPro"]],
      ["actorId", { actorId: ["u-bob"] }, ["chatFree"]],
      ["model", { model: "gpt-a" }, ["chatPro"]],
      ["model over 7 days", { model: "gpt-a", period: "7d" }, ["chatPro", "old"]],
      ["agent", { agent: "helper" }, ["chatPro"]],
      ["protocol", { protocol: "mcp" }, ["chatFree"]],
      ["source", { source: "scheduler", kind: "system" }, ["syncStarted", "syncFailed"]],
      ["session", { sessionId: "s-1" }, ["chatPro"]],
      ["error flag", { isError: true }, ["chatFree"]],
      ["not an error", { isError: false, kind: "interaction" }, ["chatPro"]],
      ["input tokens", { inputTokens: { gte: 100 } }, ["chatPro"]],
      ["total tokens", { totalTokens: { lte: 50 }, kind: "interaction" }, ["chatFree"]],
      ["metadata eq", { metadata: [{ path: ["customer", "plan"], value: "pro" }] }, ["chatPro"]],
      ["metadata gt", { metadata: [{ path: ["customer", "seats"], op: "gt", value: 5 }] }, ["chatPro"]],
      ["metadata exists", { metadata: [{ path: ["customer"], op: "exists" }] }, ["chatPro", "chatFree"]],
      ["custom period", { period: { from: ago(25 * MINUTE), to: ago(5 * MINUTE) } }, ["chatPro", "chatFree"]],
      ["period all", { period: "all", kind: "interaction" }, ["chatPro", "chatFree", "old"]],
    ] as const)("filter: %s", async (_name, filter, expected) => {
      expect(await listIds(filter)).toEqual(expected.map((k) => ids[k]));
    });

    it("keeps the web UI's shape ({ kind, limit, cursor: null } plus direction) and walks pages by cursor", async () => {
      const activity = ok(await list(owner, { kind: "user_activity", limit: 50, cursor: null, direction: "forward" }));
      expect(activity.items.length).toBeGreaterThan(0);
      expect(activity.items.every((i) => i.kind === "user_activity")).toBe(true);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = ok(await list(owner, { period: "7d", kind: "interaction", limit: 1, cursor, direction: "forward" }));
        walked.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor && walked.length < 10);
      expect(walked).toEqual([ids.chatPro, ids.chatFree, ids.old]);
    });

    it("search reads content for the owner; an auditor's search is ignored", async () => {
      expect(await listIds({ kind: "interaction", search: "postgres" })).toEqual([ids.chatPro]);
      expect(await listIds({ kind: "interaction", search: "postgres" }, auditor)).toEqual([ids.chatPro, ids.chatFree]);
    });

    it("a forged, foreign or mismatched cursor is BAD_REQUEST naming the cursor", async () => {
      const first = ok(await list(owner, { kind: "interaction", limit: 1 }));
      const good = first.nextCursor!;
      const [body, signature] = good.split(".");
      const tampered = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), tn: bOrgId })).toString("base64url")}.${signature}`;
      const fromB = ok(await bOwner.query<Page>("events.list", { orgId: bOrgId, limit: 1 })).nextCursor;
      expect(fromB).not.toBeNull();
      const cases: [unknown, Record<string, unknown>, string][] = [
        ["garbage", { kind: "interaction" }, "cursor: is not a valid cursor"],
        [tampered, { kind: "interaction" }, "cursor: is not a cursor this server issued"],
        [`${body}.${Buffer.from("x".repeat(32)).toString("base64url")}`, { kind: "interaction" }, "cursor: is not a cursor"],
        [fromB, {}, "cursor: was issued for another tenant"],
        [good, { kind: "system" }, "cursor: was issued for other filters; start again without a cursor"],
        [good, { kind: "interaction", order: "asc" }, "cursor: was issued for the other sort order"],
      ];
      for (const [cursor, filter, message] of cases) {
        const r = await list(owner, { ...filter, limit: 1, cursor });
        expect(r.error?.code, r.text).toBe("BAD_REQUEST");
        expect(r.error?.message).toContain(message);
      }
      // The untampered cursor still works, with another page size too.
      expect(ok(await list(owner, { kind: "interaction", limit: 5, cursor: good })).items.map((i) => i.id)).toEqual([
        ids.chatFree,
      ]);
    });

    it.each([
      [{ limit: 0 }, "limit"],
      [{ limit: 501 }, "limit"],
      [{ period: "2d" }, "period"],
      [{ period: { from: ago(MINUTE), to: ago(2 * MINUTE) } }, "period.to"],
      [{ type: "not a type!" }, "type"],
      [{ kind: "everything" }, "kind"],
      [{ inputTokens: { gte: 5, lte: 1 } }, "inputTokens"],
      [{ metadata: [{ path: ["customer", "seats"], op: "gt", value: "many" }] }, "metadata.0.value"],
      [{ search: "" }, "search"],
      [{ colour: "red" }, "colour"],
    ] as const)("invalid filter %j is BAD_REQUEST naming %s", async (filter, field) => {
      const r = await list(owner, filter);
      expect(r.error?.code, r.text).toBe("BAD_REQUEST");
      expect(r.error?.message).toContain(field);
    });
  });

  describe("events.options", () => {
    const options = (input: Record<string, unknown>, c = owner) => c.query<Options>("events.options", { orgId, ...input });

    it("offers the values that occur under the filters, with counts, ignoring the column's own filter", async () => {
      const models = ok(await options({ column: "model", model: "gpt-a" }));
      expect(models).toEqual({
        column: "model",
        values: [
          { value: "gpt-a", count: 1 },
          { value: "gpt-b", count: 1 },
        ],
      });
      expect(ok(await options({ column: "model", isError: true })).values).toEqual([{ value: "gpt-b", count: 1 }]);
      expect(ok(await options({ column: "model", period: "7d", limit: 1 })).values).toEqual([{ value: "gpt-a", count: 2 }]);
      expect(ok(await options({ column: "type", kind: "system" })).values.map((v) => v.value)).toEqual([
        "sync.dbt.failed",
        "sync.dbt.started",
      ]);
      expect(ok(await options({ column: "protocol" })).values).toEqual([
        { value: "http", count: 1 },
        { value: "mcp", count: 1 },
      ]);
    });

    it("search narrows the owner's options and not the auditor's", async () => {
      expect(ok(await options({ column: "model", search: "connector" })).values).toEqual([{ value: "gpt-a", count: 1 }]);
      expect(ok(await options({ column: "model", search: "connector" }, auditor)).values).toHaveLength(2);
    });

    it("an unknown column, a bad limit or a cursor is BAD_REQUEST naming it", async () => {
      for (const [input, field] of [
        [{ column: "question" }, "column"],
        [{ column: "model", limit: 0 }, "limit"],
        [{ column: "model", cursor: "abc" }, "cursor"],
      ] as const) {
        const r = await options(input);
        expect(r.error?.code, r.text).toBe("BAD_REQUEST");
        expect(r.error?.message).toContain(field);
      }
    });
  });

  describe("events.stats", () => {
    const stats = (input: Record<string, unknown>, c = owner) => c.query<Stats>("events.stats", { orgId, ...input });

    it("totals and a series for the filters and period", async () => {
      const day = ok(await stats({ kind: "interaction" }));
      expect(day.totals).toEqual({
        events: 2,
        inputTokens: 160,
        outputTokens: 40,
        totalTokens: 200,
        users: 2,
        models: 2,
        errors: 1,
      });
      expect(day.bucketSeconds).toBe(15 * 60);
      expect(day.series.reduce((n, b) => n + b.events, 0)).toBe(2);
      const week = ok(await stats({ kind: "interaction", period: "7d" }));
      expect(week.totals).toMatchObject({ events: 3, inputTokens: 1160, users: 2, models: 2 });
      expect(ok(await stats({ type: "sync.*" })).totals).toMatchObject({ events: 2, errors: 1, models: 0 });
      expect(
        ok(await stats({ kind: "interaction", metadata: [{ path: ["customer", "plan"], value: "free" }] })).totals.events,
      ).toBe(1);
    });

    it("search counts for the owner only", async () => {
      expect(ok(await stats({ kind: "interaction", search: "slow" })).totals.events).toBe(1);
      expect(ok(await stats({ kind: "interaction", search: "slow" }, auditor)).totals.events).toBe(2);
    });

    it("invalid filters are BAD_REQUEST naming the field", async () => {
      const r = await stats({ totalTokens: { gte: -1 } });
      expect(r.error?.code).toBe("BAD_REQUEST");
      expect(r.error?.message).toContain("totalTokens.gte");
    });
  });

  describe("events.get", () => {
    const get = (id: string, c = owner) => c.query<Detail>("events.get", { orgId, id });

    it("the owner reads content in full; the auditor gets it redacted", async () => {
      const full = ok(await get(ids.chatPro));
      expect(full).toMatchObject({ id: ids.chatPro, model: "gpt-a", contentRedacted: false });
      expect(full.content?.question).toBe(QUESTION);
      expect(full.content?.answer).toBe("Open Settings, then Connections.");
      const redacted = ok(await get(ids.chatPro, auditor));
      expect(redacted).toMatchObject({ id: ids.chatPro, contentRedacted: true });
      expect(redacted.content?.question).toContain("[email]");
      expect(redacted.content?.question).not.toContain("ada@example.com");
    });

    it("an event without content has none", async () => {
      expect(ok(await get(ids.syncFailed)).content).toBeNull();
    });

    it("an unknown id and another tenant's event are the same NOT_FOUND; a malformed id is BAD_REQUEST", async () => {
      const other = await get(ids.ofB);
      expect(other.error?.code).toBe("NOT_FOUND");
      expect(other.text).not.toContain("secret");
      expect(other.text).not.toContain("gpt-only-b");
      const unknown = await get("00000000-0000-4000-8000-000000000000");
      expect(unknown.error).toEqual(other.error);
      const malformed = await get("not-a-uuid");
      expect(malformed.error?.code).toBe("BAD_REQUEST");
      expect(malformed.error?.message).toContain("id");
      // B still sees its own event.
      expect(ok(await bOwner.query<Detail>("events.get", { orgId: bOrgId, id: ids.ofB })).model).toBe("gpt-only-b");
    });
  });
});
