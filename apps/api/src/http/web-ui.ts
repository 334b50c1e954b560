import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";

/** Serves the built web UI from `dir`: its assets, and index.html for every other page (SPA). */
export function mountWebUi(app: Hono, dir: string) {
  const index = join(dir, "index.html");
  if (!existsSync(index))
    throw new Error(`LOGBOOK_WEB_DIR=${dir} has no index.html: build the web UI first (pnpm --filter @logbook/web build)`);
  const root = relative(process.cwd(), dir) || ".";
  app.use(
    "/assets/*",
    serveStatic({ root, onFound: (_p, c) => c.header("Cache-Control", "public, max-age=31536000, immutable") }),
  );
  app.use("*", serveStatic({ root }));
  app.get("*", async (c) => c.html(await readFile(index, "utf8")));
}
