import { describe, expect, it } from "vitest";
import { hasRedactions, parseBlocks, safeHref } from "./markdown";

describe("markdown", () => {
  it("parses headings, lists, quotes, fenced code and paragraphs", () => {
    const blocks = parseBlocks("# Title\n\nSome *text*\nmore\n\n- a\n- b\n\n3. c\n\n> quoted\n\n```sql\nSELECT 1;\n```\n---");
    expect(blocks).toEqual([
      { type: "heading", level: 1, text: "Title" },
      { type: "paragraph", text: "Some *text*\nmore" },
      { type: "list", ordered: false, start: 1, items: ["a", "b"] },
      { type: "list", ordered: true, start: 3, items: ["c"] },
      { type: "quote", lines: ["quoted"] },
      { type: "code", lang: "sql", text: "SELECT 1;" },
      { type: "rule" },
    ]);
  });

  it("keeps an unclosed fence to the end, and raw HTML as paragraph text", () => {
    expect(parseBlocks("```\n<b>x</b>")).toEqual([{ type: "code", lang: "", text: "<b>x</b>" }]);
    expect(parseBlocks("<script>alert(1)</script>")).toEqual([{ type: "paragraph", text: "<script>alert(1)</script>" }]);
  });

  it("allows only http(s) and mailto links", () => {
    expect(safeHref("https://example.com/a")).toBe("https://example.com/a");
    expect(safeHref("mailto:a@example.com")).toBe("mailto:a@example.com");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JAVASCRIPT:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,<b>")).toBeNull();
  });

  it("recognises redaction placeholders", () => {
    expect(hasRedactions("mail [email] now")).toBe(true);
    expect(hasRedactions("[link]")).toBe(false);
  });
});
