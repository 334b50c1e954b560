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
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field. null/undefined → empty; numbers and booleans as JSON writes them; objects JSON-encoded. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "string") text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (typeof value === "number" || typeof value === "boolean") return String(value);
  else text = JSON.stringify(value);
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
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One JSON Lines record: the row's values under the column names. */
export function jsonLine(columns: readonly string[], values: readonly unknown[]): string {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) record[columns[i] as string] = values[i] ?? null;
  return `${JSON.stringify(record)}\n`;
}
