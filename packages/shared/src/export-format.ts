/**
 * Encoding of export rows. CSV follows RFC 4180: a header row, CRLF line ends, fields quoted when
 * they hold a quote, comma, CR or LF (quotes doubled), UTF-8 (the file starts with a byte order mark
 * so spreadsheets read it as UTF-8). Nested values (metadata, tool calls, labels) are JSON-encoded
 * into one cell. A text cell starting with = + - @ tab or CR gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of evaluating it (formula injection). JSON Lines: one JSON
 * object per line, keys as the column names.
 */

/** The UTF-8 byte order mark the CSV file starts with. */
export const CSV_BOM = "\uFEFF";

const NEEDS_QUOTES = /[",\r\n]/;

/** = + - @ tab CR: what a spreadsheet may evaluate at the start of a cell. */
function startsLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/** One CSV field. null/undefined → empty; numbers and booleans as JSON writes them; objects JSON-encoded. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = typeof value === "string" ? (startsLikeFormula(value) ? `'${value}` : value) : JSON.stringify(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF. */
export function csvLine(values: readonly unknown[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    line += csvCell(values[i]);
  }
  return `${line}\r\n`;
}

/** What a CSV reader gets back for a text value: the value itself, or with the apostrophe that neutralised it. */
export function csvNeutralised(value: string): string {
  return startsLikeFormula(value) ? `'${value}` : value;
}

/** One JSON Lines record: the row's values under the column names. */
export function jsonLine(columns: readonly string[], values: readonly unknown[]): string {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) record[columns[i] as string] = values[i] ?? null;
  return `${JSON.stringify(record)}\n`;
}
