import type { Db } from "@logbook/db/client";
import type { Auth } from "../auth/auth";
import type { ReclassifyService } from "../classification/reclassify-service";
import type { ExportsService } from "../exports/exports-service";

export interface ApiDeps {
  db: Db;
  auth: Auth;
  /** Public base URL, for links such as invitations. */
  baseURL: string;
  /** Signs event list cursors (derived from the auth secret in app.ts). */
  cursorSecret: string;
  /** Export creation (queue hand-off, audit) and download links. */
  exports: ExportsService;
  /** Reclassify runs (queue hand-off). */
  reclassify: ReclassifyService;
}

export async function createContext(deps: ApiDeps, req: Request, ip: string | null) {
  const session = await deps.auth.api.getSession({ headers: req.headers }).catch(() => null);
  return { ...deps, headers: req.headers, ip, session };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
