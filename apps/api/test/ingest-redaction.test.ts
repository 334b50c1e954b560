import { savePrivacySettings } from "@logbook/db/queries/tenant-settings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverErrors, startApp } from "./helpers";
import { contentOf, type IngestResponse, interaction, postEvents, storedEvents, tenantWithKey } from "./ingest-fixtures";

const QUESTION =
  "I am ada@example.com, call +1 415 555 0132. My card 4111 1111 1111 1111 fails from 192.168.10.24, ticket-WXYZ42.";
const ANSWER = "Write to support@logbook.test or 2001:db8:85a3:0:0:8a2e:370:7334; order ticket-ABCD99 is fine.";
const METADATA = {
  customer: { contact: "bob@example.org", phones: ["+44 20 7946 0958"] },
  client_ip: "10.0.0.7",
  ref: "ticket-QRST01",
  count: 3,
  note: "nothing personal here",
};

describe("POST /v1/events: redaction at ingest", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let redacting: Awaited<ReturnType<typeof tenantWithKey>>;
  let dropping: Awaited<ReturnType<typeof tenantWithKey>>;
  let plain: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    [redacting, dropping, plain] = await Promise.all([
      tenantWithKey(app, db, "redact-all", "enterprise"),
      tenantWithKey(app, db, "redact-drop", "enterprise"),
      tenantWithKey(app, db, "redact-none", "enterprise"),
    ]);
    await savePrivacySettings(db, {
      tenantId: redacting.tenantId,
      updatedBy: redacting.user.id,
      privacy: {
        redactEmails: true,
        redactPhones: true,
        redactIps: true,
        redactCards: true,
        customPatterns: ["ticket-[A-Z]{4}\\d{2}"],
        dropContent: false,
      },
    });
    await savePrivacySettings(db, {
      tenantId: dropping.tenantId,
      updatedBy: dropping.user.id,
      privacy: { redactEmails: true, dropContent: true },
    });
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  async function ingestOne(key: string, event: unknown) {
    const res = await postEvents(app, key, event);
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    return (body.results[0] as { id: string }).id;
  }

  it("emails, phones, cards, IPs and custom patterns are replaced in content and nested metadata", async () => {
    const id = await ingestOne(redacting.key, interaction({ question: QUESTION, answer: ANSWER, metadata: METADATA }));
    const content = await contentOf(db, redacting.tenantId, id);
    expect(content?.question).toBe("I am [email], call [phone]. My card [card] fails from [ip], [redacted].");
    expect(content?.answer).toBe("Write to [email] or [ip]; order [redacted] is fine.");
    const row = (await storedEvents(db, redacting.tenantId)).find((e) => e.id === id);
    expect(row).toMatchObject({ redacted: true, has_content: true });
    expect(row?.metadata).toEqual({
      customer: { contact: "[email]", phones: ["[phone]"] },
      client_ip: "[ip]",
      ref: "[redacted]",
      count: 3,
      note: "nothing personal here",
    });
    // Nothing of the originals is stored anywhere in the row or its content.
    const stored = JSON.stringify({ row, content });
    for (const secret of ["ada@example.com", "4111", "192.168.10.24", "555 0132", "ticket-WXYZ42", "bob@example.org"]) {
      expect(stored).not.toContain(secret);
    }
  });

  it("an event with nothing to redact is stored as sent, not marked redacted", async () => {
    const id = await ingestOne(
      redacting.key,
      interaction({ question: "How do I export?", answer: "Use Export.", metadata: { n: 1 } }),
    );
    expect(await contentOf(db, redacting.tenantId, id)).toEqual({ question: "How do I export?", answer: "Use Export." });
    expect((await storedEvents(db, redacting.tenantId)).find((e) => e.id === id)).toMatchObject({
      redacted: false,
      metadata: { n: 1 },
    });
  });

  it("drop content: no content row, has_content false, redacted true; metadata still redacted", async () => {
    const id = await ingestOne(dropping.key, interaction({ question: QUESTION, answer: ANSWER, metadata: METADATA }));
    expect(await contentOf(db, dropping.tenantId, id)).toBeNull();
    const row = (await storedEvents(db, dropping.tenantId)).find((e) => e.id === id);
    expect(row).toMatchObject({ redacted: true, has_content: false });
    expect(row?.metadata).toMatchObject({ customer: { contact: "[email]" }, client_ip: "10.0.0.7" });
  });

  it("another tenant's events are unaffected by these settings", async () => {
    const id = await ingestOne(plain.key, interaction({ question: QUESTION, answer: ANSWER, metadata: METADATA }));
    expect(await contentOf(db, plain.tenantId, id)).toEqual({ question: QUESTION, answer: ANSWER });
    const row = (await storedEvents(db, plain.tenantId)).find((e) => e.id === id);
    expect(row).toMatchObject({ redacted: false, has_content: true, metadata: METADATA });
  });

  it("a change of settings applies to the very next request", async () => {
    await savePrivacySettings(db, {
      tenantId: plain.tenantId,
      updatedBy: plain.user.id,
      privacy: { redactEmails: true },
    });
    const id = await ingestOne(plain.key, interaction({ question: "mail me at eve@example.net" }));
    expect((await contentOf(db, plain.tenantId, id))?.question).toBe("mail me at [email]");
    await savePrivacySettings(db, { tenantId: plain.tenantId, updatedBy: plain.user.id, privacy: {} });
  });
});
