import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_BOM, csvCell, csvLine, csvNeutralised, jsonLine } from "./export-format";

const hostile = [
  'say "hi"',
  "a,b,c",
  "line1\nline2",
  "crlf\r\nend",
  "lone\rcr",
  '=HYPERLINK("http://evil","x")',
  "+1+2",
  "-2+3",
  "@SUM(A1)",
  "\tTAB",
  "\rCR first",
  "ünïcødé — 日本語 🎉",
  "",
  " leading space",
  "'already quoted",
  '"',
  ",",
  "trailing comma,",
];

describe("CSV (RFC 4180)", () => {
  it("round-trips hostile values through a standard CSV parser", () => {
    const header = ["id", "text", "n", "flag", "nested", "missing"];
    const rows = hostile.map((text, i) => [
      `id-${i}`,
      text,
      i - 5,
      i % 2 === 0,
      { text, list: [1, "a,b", null], deep: { q: '"' } },
      null,
    ]);
    const file = CSV_BOM + csvLine(header) + rows.map(csvLine).join("");
    const parsed = parse(file, { bom: true, relax_column_count: false }) as string[][];
    expect(parsed[0]).toEqual(header);
    expect(parsed).toHaveLength(rows.length + 1);
    for (const [i, row] of rows.entries()) {
      const got = parsed[i + 1] as string[];
      expect(got[0]).toBe(row[0]);
      // Text comes back exactly, with an apostrophe in front of what a spreadsheet would evaluate.
      expect(got[1]).toBe(csvNeutralised(row[1] as string));
      expect(got[2]).toBe(String(row[2])); // negative numbers are numbers, not formulas
      expect(got[3]).toBe(String(row[3]));
      expect(JSON.parse(got[4] as string)).toEqual(row[4]);
      expect(got[5]).toBe("");
    }
  });

  it("neutralises every formula prefix and nothing else", () => {
    for (const prefix of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${prefix}x`).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(null)).toBe("");
  });

  it("ends records with CRLF and quotes only when needed", () => {
    expect(csvLine(["a", "b c", 'd"e', "f\ng"])).toBe('a,b c,"d""e","f\ng"\r\n');
  });
});

describe("JSON Lines", () => {
  it("writes one object per line keyed by column", () => {
    const line = jsonLine(["a", "b"], ["x\ny", null]);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1).includes("\n")).toBe(false);
    expect(JSON.parse(line)).toEqual({ a: "x\ny", b: null });
  });
});
