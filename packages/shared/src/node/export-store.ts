import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";

/**
 * Where export files live. A file becomes visible under its key only when complete (`commit`), so a
 * half-written file is never served; writing the same key again replaces it whole. The local
 * directory below is the default; an S3-compatible store implements the same with a multipart upload
 * completed on commit and ranged GETs.
 */
export interface ExportStore {
  /** Starts writing `key`: bytes go to a temporary object until commit. */
  createWriter(key: string): Promise<ExportWriter>;
  /** Size of the complete object, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** The bytes of `key`, or the inclusive range [start, end]. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Removes the object and any unfinished write of it. */
  remove(key: string): Promise<void>;
}

export interface ExportWriter {
  stream: Writable;
  /** Waits for the bytes to be durable, then makes them visible under the key (atomic). */
  commit(): Promise<void>;
  /** Drops the unfinished write. */
  abort(): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** A store in a local directory; keys are relative paths. The temporary file is `<key>.partial`. */
export function localExportStore(directory: string): ExportStore {
  const root = resolve(directory);
  const pathOf = (key: string) => {
    if (!SAFE_KEY.test(key) || key.split("/").some((s) => s === "." || s === "..")) {
      throw new Error(`invalid export key: ${key}`);
    }
    return join(root, key);
  };
  return {
    async createWriter(key) {
      const path = pathOf(key);
      const partial = `${path}.partial`;
      await mkdir(dirname(path), { recursive: true });
      // "w" truncates: a retry after a crash starts the temporary file over.
      const stream = createWriteStream(partial, { flags: "w" });
      return {
        stream,
        async commit() {
          if (!stream.writableFinished) await finished(stream);
          await rename(partial, path);
        },
        async abort() {
          stream.destroy();
          await rm(partial, { force: true });
        },
      };
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch {
        return null;
      }
    },
    read(key, range) {
      return createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
    },
    async remove(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(`${path}.partial`, { force: true });
    },
  };
}
