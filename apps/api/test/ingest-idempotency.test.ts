import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverErrors, startApp } from "./helpers";
import {
  activity,
  clientId,
  countByClientId,
  type IngestResponse,
  interaction,
  postEvents,
  systemEvent,
  tenantWithKey,
} from "./ingest-fixtures";

const RACE_ROUNDS = 5;
const RACE_EVENTS = 200;

describe("POST /v1/events: idempotency by client id", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let tenant: Awaited<ReturnType<typeof tenantWithKey>>;
  let other: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([
      tenantWithKey(app, db, "ingest-idem", "enterprise"),
      tenantWithKey(app, db, "ingest-idem-other", "enterprise"),
    ]);
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  async function ingest(key: string, events: unknown[]) {
    const res = await postEvents(app, key, { events });
    return { status: res.status, body: (await res.json()) as IngestResponse };
  }

  it("the same client id in a later request is a duplicate with the original event id, stored once", async () => {
    const id = clientId("again");
    const first = await ingest(tenant.key, [activity({ id })]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ status: "accepted", client_id: id });
    const originalId = (first.body.results[0] as { id: string }).id;

    // Even with a different body: the client id decides.
    const second = await ingest(tenant.key, [activity({ id, type: "user.logout" }), systemEvent()]);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 0 });
    expect(second.body.results[0]).toEqual({ index: 0, status: "duplicate", id: originalId, client_id: id });
    expect((await countByClientId(db, tenant.tenantId, [id])).get(id)).toBe(1);
  });

  it("the same client id twice within one batch: the first is accepted, the second a duplicate of it", async () => {
    const id = clientId("twice");
    const { status, body } = await ingest(tenant.key, [interaction({ id }), activity(), interaction({ id })]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 2, duplicates: 1 });
    const [a, , c] = body.results as { status: string; id: string }[];
    expect(a?.status).toBe("accepted");
    expect(c).toMatchObject({ status: "duplicate", id: a?.id });
    expect((await countByClientId(db, tenant.tenantId, [id])).get(id)).toBe(1);
  });

  it("a batch repeating ids already stored and new ones: duplicates point at the stored originals", async () => {
    const old = clientId("old");
    const fresh = clientId("fresh");
    const first = await ingest(tenant.key, [activity({ id: old })]);
    const originalId = (first.body.results[0] as { id: string }).id;
    const { body } = await ingest(tenant.key, [activity({ id: fresh }), activity({ id: old }), activity({ id: old })]);
    expect(body.results.map((r) => r.status)).toEqual(["accepted", "duplicate", "duplicate"]);
    expect((body.results[1] as { id: string }).id).toBe(originalId);
    expect((body.results[2] as { id: string }).id).toBe(originalId);
    const counts = await countByClientId(db, tenant.tenantId, [old, fresh]);
    expect([counts.get(old), counts.get(fresh)]).toEqual([1, 1]);
  });

  it("client ids are per tenant: the same id in another tenant is a new event there", async () => {
    const id = clientId("shared");
    expect((await ingest(tenant.key, [activity({ id })])).body.results[0]?.status).toBe("accepted");
    expect((await ingest(other.key, [activity({ id })])).body.results[0]?.status).toBe("accepted");
    expect((await countByClientId(db, tenant.tenantId, [id])).get(id)).toBe(1);
    expect((await countByClientId(db, other.tenantId, [id])).get(id)).toBe(1);
  });

  it("two concurrent requests with the same 200 client ids: each stored exactly once, every event answered", async () => {
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const ids = Array.from({ length: RACE_EVENTS }, (_, i) => clientId(`race${round}-${i}`));
      // Mixed kinds, and the second request in another order, so the two claim rows in different orders.
      const events = ids.map((id, i) =>
        i % 3 === 0 ? interaction({ id }) : i % 3 === 1 ? activity({ id }) : systemEvent({ id }),
      );
      const [a, b] = await Promise.all([ingest(tenant.key, events), ingest(tenant.key, [...events].reverse())]);
      expect([a.status, b.status]).toEqual([200, 200]);

      const outcomes = new Map<string, { status: string; id: string }[]>();
      for (const response of [a.body, b.body]) {
        expect(response.results).toHaveLength(RACE_EVENTS);
        expect(response.rejected).toBe(0);
        for (const r of response.results) {
          expect(["accepted", "duplicate"]).toContain(r.status);
          const list = outcomes.get(r.client_id!) ?? [];
          list.push(r as { status: string; id: string });
          outcomes.set(r.client_id!, list);
        }
      }
      // Per id: answered by both requests, accepted by exactly one, both naming the same event.
      for (const id of ids) {
        const answers = outcomes.get(id)!;
        expect(answers, id).toHaveLength(2);
        expect(
          answers.filter((x) => x.status === "accepted"),
          id,
        ).toHaveLength(1);
        expect(answers[0]!.id).toBe(answers[1]!.id);
      }
      expect(a.body.accepted + b.body.accepted).toBe(RACE_EVENTS);

      const counts = await countByClientId(db, tenant.tenantId, ids);
      expect(counts.size).toBe(RACE_EVENTS);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
  });
});
