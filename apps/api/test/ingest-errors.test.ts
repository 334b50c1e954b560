import { createApiKey, revokeApiKey } from "@logbook/db/queries/api-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, serverErrors, startApp } from "./helpers";
import { activity, type IngestResponse, interaction, postEvents, recent, systemEvent, tenantWithKey } from "./ingest-fixtures";

type Problem = { error: { code: string; message: string; [detail: string]: unknown } };

describe("POST /v1/events: errors a client can act on", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let tenant: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    tenant = await tenantWithKey(app, db, "ingest-errors", "enterprise");
  });
  afterAll(async () => {
    // Never a 500 for anything a client sends.
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  /** The single rejection of a one-event request. */
  async function rejectionOf(event: unknown) {
    const res = await postEvents(app, tenant.key, event);
    expect(res.status).toBe(400);
    const body = (await res.json()) as IngestResponse;
    const [result] = body.results;
    if (result?.status !== "rejected") throw new Error(`expected a rejection, got ${JSON.stringify(body)}`);
    return result.errors;
  }

  describe("the body", () => {
    it("malformed JSON: 400 with line and column", async () => {
      const res = await postEvents(app, tenant.key, '{\n  "kind": "system",\n  "type": oops\n}');
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as Problem;
      expect(error).toMatchObject({ code: "malformed_json", line: 3, column: 11 });
      expect(error.message).toMatch(/^Malformed JSON at line 3, column 11/);
    });

    it("more than 1000 events: 413 saying the limit", async () => {
      const events = Array.from({ length: 1001 }, () => systemEvent());
      const res = await postEvents(app, tenant.key, { events });
      expect(res.status).toBe(413);
      const { error } = (await res.json()) as Problem;
      expect(error).toMatchObject({ code: "too_many_events", limit_events: 1000 });
      expect(error.message).toContain("1000 events");
    });

    it("more than 1000 NDJSON lines: 413 too", async () => {
      const line = JSON.stringify(systemEvent());
      const res = await postEvents(app, tenant.key, Array(1001).fill(line).join("\n"), {
        "content-type": "application/x-ndjson",
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as Problem).error.code).toBe("too_many_events");
    });

    it("a body over 5 MB: 413 saying the limit, whether declared or streamed", async () => {
      const big = JSON.stringify({ events: [systemEvent({ metadata: { pad: "x".repeat(5 * 1024 * 1024) } })] });
      const declared = await postEvents(app, tenant.key, big, { "content-length": String(Buffer.byteLength(big)) });
      expect(declared.status).toBe(413);
      const { error } = (await declared.json()) as Problem;
      expect(error).toMatchObject({ code: "payload_too_large", limit_bytes: 5 * 1024 * 1024 });
      expect(error.message).toContain("5 MB");

      // No Content-Length: the limit holds while reading.
      const bytes = new TextEncoder().encode(big);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 256 * 1024) controller.enqueue(bytes.slice(i, i + 256 * 1024));
          controller.close();
        },
      });
      const streamed = await app.request(`${BASE_URL}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(streamed.status).toBe(413);
    });

    it("a wrong content type: 415", async () => {
      const res = await postEvents(app, tenant.key, "kind=system", { "content-type": "application/x-www-form-urlencoded" });
      expect(res.status).toBe(415);
      const { error } = (await res.json()) as Problem;
      expect(error.code).toBe("unsupported_media_type");
      expect(error.message).toContain("application/x-ndjson");
    });

    it("an empty body: 400", async () => {
      const res = await postEvents(app, tenant.key, "");
      expect(res.status).toBe(400);
      expect(((await res.json()) as Problem).error.code).toBe("empty_body");
    });
  });

  describe("one event", () => {
    it("rejects a NUL character with the field path (Postgres text cannot hold it)", async () => {
      const errors = await rejectionOf(systemEvent({ metadata: { notes: ["fine", "bad \u0000 here"] } }));
      expect(errors).toEqual([{ path: "metadata.notes.1", message: expect.stringMatching(/NUL/) }]);
    });

    it("rejects metadata over 32 KB with its path", async () => {
      const errors = await rejectionOf(systemEvent({ metadata: { blob: "x".repeat(33_000) } }));
      expect(errors).toEqual([{ path: "metadata", message: expect.stringMatching(/at most 32768 bytes/) }]);
    });

    it("unknown kind", async () => {
      expect(await rejectionOf({ kind: "audit", type: "user.login", occurred_at: recent() })).toEqual([
        { path: "kind", message: 'unknown kind "audit"; expected one of user_activity, system, interaction' },
      ]);
    });

    it("bad timestamp: not ISO 8601, no time zone, far future", async () => {
      for (const occurred_at of ["20/11/2026 08:15", "2026-11-20T08:15:00"]) {
        const errors = await rejectionOf(activity({ occurred_at }));
        expect(errors).toEqual([{ path: "occurred_at", message: expect.stringContaining("time zone") }]);
      }
      const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
      expect(await rejectionOf(activity({ occurred_at: future }))).toEqual([
        { path: "occurred_at", message: "is more than 24 hours in the future" },
      ]);
    });

    it("oversized fields, each with the field path", async () => {
      expect(await rejectionOf(systemEvent({ source: "s".repeat(300) }))).toEqual([
        { path: "source", message: "must be at most 256 characters" },
      ]);
      expect(await rejectionOf(activity({ actor: { id: "a".repeat(257) } }))).toEqual([
        { path: "actor.id", message: "must be at most 256 characters" },
      ]);
      expect(await rejectionOf(interaction({ question: "q".repeat(200 * 1024) }))).toEqual([
        { path: "question", message: "must be at most 100000 characters" },
      ]);
      const metadata = await rejectionOf(activity({ metadata: { blob: "m".repeat(40_000) } }));
      expect(metadata).toEqual([{ path: "metadata", message: expect.stringContaining("32768 bytes") }]);
    });

    it("an unknown field, top-level or nested, is named", async () => {
      expect(await rejectionOf(activity({ colour: "blue" }))).toEqual([{ path: "(event)", message: "unknown field colour" }]);
      expect(await rejectionOf(interaction({ tool_calls: [{ name: "search", speed: 3 }] }))).toEqual([
        { path: "tool_calls.0", message: "unknown field speed" },
      ]);
    });

    it("a value of the wrong type or outside its enum", async () => {
      expect(await rejectionOf(interaction({ input_tokens: "12" }))).toEqual([
        { path: "input_tokens", message: expect.any(String) },
      ]);
      const errors = await rejectionOf(interaction({ intent: "shopping" }));
      expect(errors[0]?.path).toBe("intent");
    });

    it("not an object at all", async () => {
      const res = await postEvents(app, tenant.key, { events: [42, "x", null] });
      expect(res.status).toBe(400);
      const body = (await res.json()) as IngestResponse;
      for (const r of body.results) expect(r).toMatchObject({ status: "rejected", errors: [{ path: "(event)" }] });
    });
  });

  describe("API keys", () => {
    it("missing key: 401", async () => {
      const res = await postEvents(app, null, activity());
      expect(res.status).toBe(401);
      expect(((await res.json()) as Problem).error.code).toBe("missing_api_key");
    });

    it("unknown key or a malformed Authorization header: 401", async () => {
      for (const auth of ["Bearer lb_thisKeyDoesNotExist000000000000000000", "Bearer nope", "Basic dXNlcjpwYXNz"]) {
        const res = await postEvents(app, null, activity(), { authorization: auth });
        expect(res.status, auth).toBe(401);
      }
    });

    it("X-API-Key works as well as Bearer", async () => {
      const res = await postEvents(app, null, activity(), { "x-api-key": tenant.key });
      expect(res.status).toBe(200);
    });

    it("a revoked key gets 403 on the very next request", async () => {
      const { key, apiKey } = await createApiKey(db, { tenantId: tenant.tenantId, name: "to revoke" });
      expect((await postEvents(app, key, activity())).status).toBe(200);
      await revokeApiKey(db, { tenantId: tenant.tenantId, id: apiKey.id });
      const res = await postEvents(app, key, activity());
      expect(res.status).toBe(403);
      expect(((await res.json()) as Problem).error.code).toBe("api_key_revoked");
    });

    it("an expired key: 403", async () => {
      const { key } = await createApiKey(db, {
        tenantId: tenant.tenantId,
        name: "expired",
        expiresAt: new Date(Date.now() - 1000),
      });
      const res = await postEvents(app, key, activity());
      expect(res.status).toBe(403);
      expect(((await res.json()) as Problem).error.code).toBe("api_key_expired");
    });
  });

  describe("rate limit", () => {
    it("the free plan allows 10 requests/s: a burst of 30 gets 429s with Retry-After", async () => {
      const free = await tenantWithKey(app, db, "ingest-ratelimit");
      // Start at the beginning of a one-second window; even if the burst spans two, 10 must be refused.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      const responses = await Promise.all(Array.from({ length: 30 }, () => postEvents(app, free.key, activity())));
      const accepted = responses.filter((r) => r.status === 200).length;
      expect(accepted).toBeGreaterThanOrEqual(1);
      expect(accepted).toBeLessThanOrEqual(20);
      const limited = responses.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(10);
      expect(accepted + limited.length).toBe(30);
      for (const r of limited) {
        expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        const { error } = (await r.json()) as Problem;
        expect(error).toMatchObject({ code: "rate_limited", limit: 10, plan: "free" });
      }
      // Other tenants are not limited by this one's burst.
      expect((await postEvents(app, tenant.key, activity())).status).toBe(200);
    });

    it("each request counts once in its window: RateLimit-Remaining falls by one a request", async () => {
      const free = await tenantWithKey(app, db, "ingest-ratelimit-once");
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 3; i++)
        remaining.push((await postEvents(app, free.key, activity())).headers.get("ratelimit-remaining"));
      expect(remaining).toEqual(["9", "8", "7"]);
    });

    it("requests with a revoked key do not use up the tenant's rate limit", async () => {
      const free = await tenantWithKey(app, db, "ingest-ratelimit-revoked");
      const second = await createApiKey(db, { tenantId: free.tenantId, name: "second" });
      // Used once, then revoked.
      expect((await postEvents(app, free.key, activity())).status).toBe(200);
      await revokeApiKey(db, { tenantId: free.tenantId, id: free.keyId });
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      const revoked = await Promise.all(Array.from({ length: 20 }, () => postEvents(app, free.key, activity())));
      expect(revoked.map((r) => r.status)).toEqual(Array(20).fill(403));
      const fine = await Promise.all(Array.from({ length: 5 }, () => postEvents(app, second.key, activity())));
      expect(fine.map((r) => r.status)).toEqual(Array(5).fill(200));
    });
  });
});
