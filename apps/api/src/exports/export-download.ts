import { Readable } from "node:stream";
import type { ExportRow } from "@logbook/db/schema";
import { EXPORT_CONTENT_TYPES, exportFileName } from "@logbook/shared/exports";
import type { ExportStore } from "@logbook/shared/node/export-store";

export type DownloadAnswer =
  | { ok: true; response: Response; whole: boolean }
  | { ok: false; status: 404 | 409 | 410 | 416; code: string; message: string; headers?: Record<string, string> };

/** Parses a single-range `Range: bytes=…` header; null = serve everything; "invalid" = 416. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | "invalid" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: the whole file (allowed by RFC 9110).
  if (!match) return header.includes(",") || !header.startsWith("bytes=") ? null : "invalid";
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "" && last === "") return "invalid";
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "invalid";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return "invalid";
  return { start, end };
}

/**
 * The file of a ready export as an HTTP response: streamed from the store, `Range` (one range)
 * answered with 206, the SHA-256 of the whole file in `X-Checksum-SHA256` (hex) and `Repr-Digest`.
 */
export async function exportDownload(store: ExportStore, e: ExportRow, rangeHeader: string | undefined): Promise<DownloadAnswer> {
  if (e.status === "expired")
    return { ok: false, status: 410, code: "expired", message: "This export's file has expired and was removed." };
  if (e.status !== "ready" || !e.fileKey || !e.sha256) {
    return {
      ok: false,
      status: 409,
      code: "not_ready",
      message: `This export is ${e.status}; only ready exports can be downloaded.`,
    };
  }
  const size = await store.size(e.fileKey);
  if (size === null) return { ok: false, status: 410, code: "expired", message: "This export's file is no longer stored." };
  const range = parseRange(rangeHeader, size);
  const headers: Record<string, string> = {
    "content-type": e.gzip ? "application/gzip" : EXPORT_CONTENT_TYPES[e.format],
    "content-disposition": `attachment; filename="${exportFileName({ ...e, periodFrom: e.periodFrom.toISOString() })}"`,
    "accept-ranges": "bytes",
    etag: `"${e.sha256}"`,
    "x-checksum-sha256": e.sha256,
    "repr-digest": `sha-256=:${Buffer.from(e.sha256, "hex").toString("base64")}:`,
    "cache-control": "private, no-store",
  };
  if (range === "invalid") {
    return {
      ok: false,
      status: 416,
      code: "range_not_satisfiable",
      message: `The file has ${size} bytes.`,
      headers: { "content-range": `bytes */${size}` },
    };
  }
  const body = Readable.toWeb(store.read(e.fileKey, range ?? undefined)) as ReadableStream;
  if (!range) {
    return {
      ok: true,
      whole: true,
      response: new Response(body, { status: 200, headers: { ...headers, "content-length": String(size) } }),
    };
  }
  return {
    ok: true,
    whole: range.start === 0,
    response: new Response(body, {
      status: 206,
      headers: {
        ...headers,
        "content-length": String(range.end - range.start + 1),
        "content-range": `bytes ${range.start}-${range.end}/${size}`,
      },
    }),
  };
}
