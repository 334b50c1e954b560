import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverErrors, startApp } from "./helpers";
import {
  activity,
  clientId,
  type IngestResponse,
  interaction,
  postEvents,
  storedEvents,
  systemEvent,
  tenantWithKey,
} from "./ingest-fixtures";

describe("POST /v1/events: batch outcomes", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let tenant: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    tenant = await tenantWithKey(app, db, "ingest-batch", "enterprise");
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("mixed valid and invalid events: 207, outcomes in request order, the valid ones stored", async () => {
    const ids = [clientId("mix-a"), clientId("mix-b"), clientId("mix-c"), clientId("mix-d")];
    const events = [
      activity({ id: ids[0] }),
      systemEvent({ id: ids[1], occurred_at: "yesterday" }),
      interaction({ id: ids[2] }),
      activity({ id: ids[3], actor: { id: "u-1", nickname: "x" } }),
    ];
    const res = await postEvents(app, tenant.key, { events });
    expect(res.status).toBe(207);
    const body = (await res.json()) as IngestResponse;
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 2 });
    expect(body.results.map((r) => [r.index, r.status, r.client_id])).toEqual([
      [0, "accepted", ids[0]],
      [1, "rejected", ids[1]],
      [2, "accepted", ids[2]],
      [3, "rejected", ids[3]],
    ]);
    const [r0, r1, r2, r3] = body.results;
    if (r1?.status !== "rejected" || r3?.status !== "rejected") throw new Error("expected rejections");
    expect(r1.errors).toEqual([{ path: "occurred_at", message: expect.stringContaining("ISO 8601") }]);
    expect(r3.errors).toEqual([{ path: "actor", message: expect.stringContaining("nickname") }]);

    const stored = await storedEvents(db, tenant.tenantId);
    const byClientId = new Map(stored.map((e) => [e.client_id, e]));
    expect(byClientId.get(ids[0]!)?.id).toBe((r0 as { id: string }).id);
    expect(byClientId.get(ids[2]!)?.id).toBe((r2 as { id: string }).id);
    expect(byClientId.has(ids[1]!)).toBe(false);
    expect(byClientId.has(ids[3]!)).toBe(false);
    expect(byClientId.get(ids[2]!)).toMatchObject({ kind: "interaction", type: "chat.answer", has_content: true });
  });

  it("all valid: 200 with an id for each; ids are the stored ones", async () => {
    const events = [activity(), systemEvent(), interaction({ intent: "how_to", response_type: "direct" })];
    const before = (await storedEvents(db, tenant.tenantId)).length;
    const res = await postEvents(app, tenant.key, { events });
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
    const stored = await storedEvents(db, tenant.tenantId);
    expect(stored.length).toBe(before + 3);
    const storedIds = new Set(stored.map((e) => e.id));
    for (const r of body.results) {
      expect(r.status).toBe("accepted");
      if (r.status === "accepted") expect(storedIds.has(r.id)).toBe(true);
    }
    expect(body.results.map((r) => r.index)).toEqual([0, 1, 2]);
  });

  it("all invalid: 400 with each event's path and reason, nothing stored", async () => {
    const before = (await storedEvents(db, tenant.tenantId)).length;
    const res = await postEvents(app, tenant.key, {
      events: [activity({ type: "not a type!" }), { kind: "audit", type: "x", occurred_at: "2026-01-01T00:00:00Z" }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as IngestResponse;
    expect(body).toMatchObject({ accepted: 0, rejected: 2 });
    expect(body.results).toEqual([
      {
        index: 0,
        status: "rejected",
        client_id: null,
        errors: [{ path: "type", message: expect.stringContaining("dot-separated") }],
      },
      { index: 1, status: "rejected", client_id: null, errors: [{ path: "kind", message: expect.stringContaining('"audit"') }] },
    ]);
    expect((await storedEvents(db, tenant.tenantId)).length).toBe(before);
  });

  it("a single event object as the body", async () => {
    const id = clientId("single");
    const res = await postEvents(app, tenant.key, systemEvent({ id, status: "ok", metadata: { run: 7 } }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body.results).toEqual([{ index: 0, status: "accepted", id: expect.any(String), client_id: id }]);
    const stored = (await storedEvents(db, tenant.tenantId)).find((e) => e.client_id === id);
    expect(stored).toMatchObject({ kind: "system", type: "sync.dbt.started", source: "scheduler", metadata: { run: 7 } });
  });

  it("a JSON array of events is a batch too", async () => {
    const res = await postEvents(app, tenant.key, [activity(), activity()]);
    expect(res.status).toBe(200);
    expect(((await res.json()) as IngestResponse).accepted).toBe(2);
  });

  it("NDJSON: one event per line, blank lines ignored, outcomes in line order", async () => {
    const ids = [clientId("nd-a"), clientId("nd-b"), clientId("nd-c")];
    const lines = [
      JSON.stringify(activity({ id: ids[0] })),
      "",
      JSON.stringify(systemEvent({ id: ids[1], duration_ms: -5 })),
      JSON.stringify(interaction({ id: ids[2] })),
      "",
    ];
    const res = await postEvents(app, tenant.key, lines.join("\n"), { "content-type": "application/x-ndjson" });
    expect(res.status).toBe(207);
    const body = (await res.json()) as IngestResponse;
    expect(body.results.map((r) => [r.status, r.client_id])).toEqual([
      ["accepted", ids[0]],
      ["rejected", ids[1]],
      ["accepted", ids[2]],
    ]);
    const rejected = body.results[1];
    expect(rejected?.status === "rejected" && rejected.errors[0]?.path).toBe("duration_ms");
    const storedIds = new Set((await storedEvents(db, tenant.tenantId)).map((e) => e.client_id));
    expect([ids[0], ids[1], ids[2]].map((id) => storedIds.has(id!))).toEqual([true, false, true]);
  });

  it("NDJSON with a malformed line: 400 naming the line, nothing of the request stored", async () => {
    const ids = [clientId("ndbad-a"), clientId("ndbad-b")];
    const body = [JSON.stringify(activity({ id: ids[0] })), JSON.stringify(activity({ id: ids[1] })), '{"kind": "system",'].join(
      "\n",
    );
    const res = await postEvents(app, tenant.key, body, { "content-type": "application/x-ndjson; charset=utf-8" });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { error: { code: string; message: string; line: number; column: number } };
    expect(problem.error).toMatchObject({ code: "malformed_json", line: 3 });
    expect(problem.error.message).toContain("line 3");
    const storedIds = new Set((await storedEvents(db, tenant.tenantId)).map((e) => e.client_id));
    expect(ids.some((id) => storedIds.has(id))).toBe(false);
  });

  it("an empty batch is refused with a reason", async () => {
    const res = await postEvents(app, tenant.key, { events: [] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("empty_batch");
  });
});
