import { describe, expect, it } from "vitest";
import { createRedactor, privacySettingsSchema } from "./privacy";

const all = createRedactor({ redactEmails: true, redactPhones: true, redactIps: true, redactCards: true })!;

describe("redaction", () => {
  it("redacts emails, phones, IPs and Luhn-valid card numbers", () => {
    expect(all.text("mail ann.lee+x@acme.co.uk now")).toBe("mail [email] now");
    expect(all.text("call +1 (415) 555-0134 or 030 1234 5678")).toBe("call [phone] or [phone]");
    expect(all.text("from 203.0.113.10 and 2001:db8:85a3::8a2e:370:7334")).toContain("[ip]");
    expect(all.text("from 203.0.113.10")).toBe("from [ip]");
    expect(all.text("card 4111 1111 1111 1111 ok")).toBe("card [card] ok");
    expect(all.text("order 4111 1111 1111 1112")).not.toContain("[card]");
  });

  it("leaves ordinary text and numbers alone", () => {
    expect(all.text("How do I create a data product? Version 2.3, 42 rows")).toBe(
      "How do I create a data product? Version 2.3, 42 rows",
    );
  });

  it("applies custom patterns and walks nested metadata", () => {
    const r = createRedactor({ customPatterns: ["ACME-\\d{4}"] })!;
    expect(r.value({ ticket: "ACME-1234", nested: [{ note: "see ACME-9999" }], n: 3 })).toEqual({
      ticket: "[redacted]",
      nested: [{ note: "see [redacted]" }],
      n: 3,
    });
  });

  it("is off when nothing is enabled", () => {
    expect(createRedactor({})).toBeNull();
    expect(createRedactor({ dropContent: true })?.dropContent).toBe(true);
  });

  it("rejects invalid custom patterns with a clear message", () => {
    const result = privacySettingsSchema.safeParse({ customPatterns: ["(unclosed"] });
    expect(result.error?.issues[0]?.message).toMatch(/not a valid regular expression/);
  });
});
