import { createHash } from "node:crypto";
import { once } from "node:events";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Db } from "@logbook/db/client";
import { streamExportCsv, streamExportJsonLines, streamExportRows } from "@logbook/db/queries/export-rows";
import { CSV_BOM, csvLine, jsonLine } from "@logbook/shared/export-format";
import type { ExportColumn, ExportFilter, ExportFormat } from "@logbook/shared/exports";
import type { ExportStore } from "@logbook/shared/node/export-store";
import type { ContentAccess } from "@logbook/shared/permissions";
import { createRedactor } from "@logbook/shared/privacy";

/** What auditors see of content, as in their views (get-event.ts): every built-in kind of personal data masked. */
const auditRedactor = createRedactor({ redactEmails: true, redactPhones: true, redactIps: true, redactCards: true })!;

export interface ExportFileSpec {
  tenantId: string;
  filter: ExportFilter;
  columns: readonly ExportColumn[];
  format: ExportFormat;
  gzip: boolean;
  contentAccess: ContentAccess;
}

export interface ExportFileResult {
  rows: number;
  sizeBytes: number;
  sha256: string;
  cancelled: boolean;
}

export interface ExportProgress {
  onEstimate?(rows: number): Promise<void> | void;
  /** After each batch; returning false cancels (the temporary file is dropped). */
  onProgress?(rowsDone: number): Promise<boolean> | boolean;
}

/**
 * Streams the export's rows from Postgres to `key` in `store`: encode (CSV or JSON Lines) →
 * optional gzip → SHA-256 and byte count → the store's temporary object, committed (renamed into
 * place) only when complete. Memory stays constant: one batch of rows at a time, and the database
 * cursor waits whenever the file side pushes back.
 */
export async function writeExportFile(
  db: Db,
  store: ExportStore,
  key: string,
  spec: ExportFileSpec,
  progress: ExportProgress = {},
): Promise<ExportFileResult> {
  const { columns, format } = spec;
  const redactIndexes =
    spec.contentAccess === "redacted" ? columns.flatMap((c, i) => (c === "question" || c === "answer" ? [i] : [])) : [];
  // Postgres writes the CSV records or JSON objects itself (COPY) unless content must be redacted
  // first: then rows come as JSON arrays and the worker redacts and encodes them.
  const copied = redactIndexes.length === 0;
  const encode = (line: string): string => {
    const values = JSON.parse(line) as unknown[];
    for (const i of redactIndexes) {
      const value = values[i];
      if (typeof value === "string") values[i] = auditRedactor.text(value);
    }
    return format === "csv" ? csvLine(values) : jsonLine(columns, values);
  };

  const writer = await store.createWriter(key);
  const hash = createHash("sha256");
  let sizeBytes = 0;
  const head = spec.gzip ? createGzip({ level: 6 }) : new PassThrough();
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      callback(null, chunk);
    },
  });
  const piped = pipeline(head, tap, writer.stream);
  let pipeError: unknown;
  piped.catch((error: unknown) => {
    pipeError = error;
  });
  const write = async (text: string | Buffer) => {
    if (pipeError) throw pipeError;
    if (!head.write(text)) await Promise.race([once(head, "drain"), piped]);
  };

  let cancelled = false;
  let rows = 0;
  try {
    if (format === "csv") await write(`${CSV_BOM}${csvLine(columns)}`);
    if (copied) ({ rows, cancelled } = await copyRecords(db, spec, progress, write));
    else
      rows = await streamExportRows(
        db,
        { tenantId: spec.tenantId, filter: spec.filter, columns, contentAccess: spec.contentAccess },
        {
          onEstimate: progress.onEstimate,
          async onBatch(lines) {
            let chunk = "";
            for (const line of lines) chunk += encode(line);
            await write(chunk);
            rows += lines.length;
            if (progress.onProgress && (await progress.onProgress(rows)) === false) {
              cancelled = true;
              return false;
            }
            return true;
          },
        },
      );
    if (cancelled) {
      head.destroy();
      await piped.catch(() => {});
      await writer.abort();
      return { rows, sizeBytes, sha256: "", cancelled: true };
    }
    head.end();
    await piped;
    await writer.commit();
  } catch (error) {
    head.destroy();
    await piped.catch(() => {});
    await writer.abort();
    throw error;
  }
  return { rows, sizeBytes, sha256: hash.digest("hex"), cancelled: false };
}

const CRLF = Buffer.from("\r\n");
/** Progress is reported (and a cancel noticed) about this often. */
const PROGRESS_EVERY = 2000;

/**
 * The records of an export straight from Postgres (COPY: streamExportCsv, streamExportJsonLines),
 * counted for progress. CSV line ends become CRLF (RFC 4180) outside quoted fields — COPY quotes every
 * field holding a line break, so a newline outside quotes always ends a record; JSON Lines never hold a raw
 * newline, so they pass as they are.
 */
async function copyRecords(
  db: Db,
  spec: ExportFileSpec,
  progress: ExportProgress,
  write: (chunk: Buffer) => Promise<void>,
): Promise<{ rows: number; cancelled: boolean }> {
  const csv = spec.format === "csv";
  const source = await (csv ? streamExportCsv : streamExportJsonLines)(db, {
    tenantId: spec.tenantId,
    filter: spec.filter,
    columns: spec.columns,
    contentAccess: spec.contentAccess,
    onEstimate: progress.onEstimate,
  });
  let rows = 0;
  let reported = 0;
  let inQuotes = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (csv) {
        const parts: Buffer[] = [];
        let start = 0;
        for (let i = 0; i < chunk.length; i++) {
          const byte = chunk[i];
          if (byte === 0x22) inQuotes = !inQuotes;
          else if (byte === 0x0a && !inQuotes) {
            parts.push(chunk.subarray(start, i), CRLF);
            start = i + 1;
            rows++;
          }
        }
        parts.push(chunk.subarray(start));
        await write(Buffer.concat(parts));
      } else {
        for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) rows++;
        await write(chunk);
      }
      if (progress.onProgress && rows - reported >= PROGRESS_EVERY) {
        reported = rows;
        if ((await progress.onProgress(rows)) === false) return { rows, cancelled: true };
      }
    }
  } finally {
    // Ends the query when the loop left early (cancel or a failing write).
    source.destroy();
  }
  if (progress.onProgress && rows !== reported) await progress.onProgress(rows);
  return { rows, cancelled: false };
}

/** Where an export's file lives in the store: one key per export, so a retry replaces it. */
export function exportFileKey(e: { tenantId: string; id: string; format: ExportFormat; gzip: boolean }): string {
  const tenant = e.tenantId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 100) || "_";
  return `${tenant}/${e.id}.${e.format}${e.gzip ? ".gz" : ""}`;
}
