import { randomUUID } from "node:crypto";
import { uuidv7 } from "@logbook/shared/ids";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type DbHandle } from "../src/client";
import { type ContentAccess, getEvent } from "../src/queries/get-event";
import { insertEvents } from "../src/queries/events";
import { ensurePartitions } from "../src/queries/partitions";
import { eventContents, events } from "../src/schema/events";
import { withTenant } from "../src/tenant";

let handle: DbHandle;
const tenantA = `t_ga_${randomUUID()}`;
const tenantB = `t_gb_${randomUUID()}`;
const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
const sensitive = {
  question: "Mail carol@example.com or call +1 415 555 0100 from 10.0.0.12",
  answer: "Charged card 4111 1111 1111 1111.",
  payload: { customer: { email: "dave@example.org", ip: "192.168.1.20" }, count: 3, tags: ["4111111111111111"] },
};
let withContent: string;
let plain: string;
let foreign: string;

beforeAll(async () => {
  handle = createDb(inject("databaseUrl"), { max: 4 });
  await ensurePartitions(handle.db, new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000));
  withContent = uuidv7();
  // Stored directly: the insert helper writes no payload.
  await withTenant(handle.db, tenantA, async (tx) => {
    await tx.insert(events).values({
      tenantId: tenantA,
      id: withContent,
      occurredAt,
      kind: "interaction",
      type: "ai.interaction",
      actorEmail: "carol@example.com",
      model: "openai/gpt-5-mini",
      inputTokens: 12,
      hasContent: true,
      metadata: { plan: "pro" },
    });
    await tx.insert(eventContents).values({ tenantId: tenantA, eventId: withContent, occurredAt, ...sensitive });
  });
  plain = (
    await insertEvents(handle.db, {
      tenantId: tenantA,
      events: [{ kind: "system", type: "sync.done", occurredAt, status: "ok" }],
    })
  )[0]!;
  foreign = (
    await insertEvents(handle.db, {
      tenantId: tenantB,
      events: [{ kind: "interaction", type: "ai.interaction", occurredAt, question: "B's secret", answer: "B only" }],
    })
  )[0]!;
});
afterAll(() => handle.close());

const get = (id: string, contentAccess: ContentAccess = "full", tenantId = tenantA) =>
  getEvent(handle.db, { tenantId, id, contentAccess });

describe("getEvent", () => {
  it("returns the event with its content as stored for full access", async () => {
    const event = await get(withContent);
    expect(event).toMatchObject({
      id: withContent,
      kind: "interaction",
      type: "ai.interaction",
      actorEmail: "carol@example.com",
      model: "openai/gpt-5-mini",
      inputTokens: 12,
      hasContent: true,
      metadata: { plan: "pro" },
      content: sensitive,
      contentRedacted: false,
    });
    expect(Date.parse(event!.occurredAt)).toBe(Date.parse(occurredAt));
    expect(event).not.toHaveProperty("tenantId");
  });

  it("redacts emails, phones, IPs and cards for redacted access", async () => {
    const event = await get(withContent, "redacted");
    expect(event?.contentRedacted).toBe(true);
    expect(event?.content).toEqual({
      question: "Mail [email] or call [phone] from [ip]",
      answer: "Charged card [card].",
      payload: { customer: { email: "[email]", ip: "[ip]" }, count: 3, tags: ["[card]"] },
    });
  });

  it("leaves content out without access", async () => {
    const event = await get(withContent, "none");
    expect(event).toMatchObject({ id: withContent, hasContent: true, content: null, contentRedacted: false });
  });

  it("returns null content for an event without any", async () => {
    for (const access of ["full", "redacted", "none"] as const) {
      expect(await get(plain, access)).toMatchObject({ id: plain, status: "ok", content: null, contentRedacted: false });
    }
  });

  it("returns null for unknown, malformed or another tenant's ids", async () => {
    expect(await get(uuidv7())).toBeNull();
    expect(await get("not-a-uuid")).toBeNull();
    expect(await get("'; DROP TABLE events; --")).toBeNull();
    expect(await get("")).toBeNull();
    for (const access of ["full", "redacted", "none"] as const) expect(await get(foreign, access)).toBeNull();
    expect(await get(withContent, "full", tenantB)).toBeNull();
    expect((await get(foreign, "full", tenantB))?.content).toEqual({ question: "B's secret", answer: "B only", payload: null });
  });
});
