import { gunzipSync } from "node:zlib";
import { BodyError, MAX_BODY_BYTES, readBodyBytes } from "./read-body";

export type OtlpFormat = "json" | "protobuf";

/** The OTLP encoding a Content-Type names, or null for anything else. */
export function otlpFormat(contentType: string | undefined): OtlpFormat | null {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json" || type === "") return "json";
  return null;
}

function tooLarge(limit: number) {
  return new BodyError(413, "payload_too_large", `Request body exceeds ${limit / 1024 / 1024} MB (after decompression).`, {
    limit_bytes: limit,
  });
}

/**
 * Reads an OTLP/HTTP body as bytes, refusing (413) past `limit` bytes — compressed or not — without
 * buffering the rest; `Content-Encoding: gzip` (the Collector's default) is inflated.
 */
export async function readOtlpBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip") {
    throw new BodyError(415, "unsupported_encoding", `Content-Encoding ${encoding} is not supported; use gzip or none.`);
  }
  const raw = await readBodyBytes(request, limit);
  if (encoding !== "gzip") return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(limit);
    throw new BodyError(400, "malformed_gzip", `The gzip body could not be inflated: ${(error as Error).message}`);
  }
}
