import type { Db } from "@logbook/db/client";
import { organizationIdsOf, recordAudit } from "@logbook/db/queries/audit";
import { auditTypes, PLATFORM_TENANT } from "@logbook/shared/events";
import { eq } from "drizzle-orm";
import { schema } from "@logbook/db/client";
import type { Context } from "hono";
import type { Auth } from "./auth";
import { authRequestContext } from "./request-context";

/**
 * Serves better-auth at /api/auth/* and writes the audit trail around it: sign-in, failed sign-in
 * (the same 401 whether or not the account exists; an unknown email goes to the platform's trail),
 * and sign-out, each recorded in every organization the user belongs to.
 */
export function authRoute(deps: { auth: Auth; db: Db; clientIp: (c: Context) => string | null; log: (l: string) => void }) {
  const { auth, db, log } = deps;
  const inEachOrg = async (userId: string, event: Omit<Parameters<typeof recordAudit>[1], "tenantId">) => {
    const orgs = await organizationIdsOf(db, userId);
    await Promise.all(orgs.map((tenantId) => recordAudit(db, { ...event, tenantId })));
  };

  return async (c: Context) => {
    const path = new URL(c.req.url).pathname.replace(/^\/api\/auth/, "");
    const ip = deps.clientIp(c);
    const needsCaller = path === "/sign-out" || path.startsWith("/organization/");
    const session = needsCaller ? await auth.api.getSession({ headers: c.req.raw.headers }).catch(() => null) : null;
    const actor = session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
    const signInEmail =
      path === "/sign-in/email" && c.req.method === "POST"
        ? await c.req.raw
            .clone()
            .json()
            .then((b: { email?: unknown }) => (typeof b?.email === "string" ? b.email.toLowerCase().trim() : null))
            .catch(() => null)
        : null;

    const response = await authRequestContext.run({ actor, ip }, () => auth.handler(c.req.raw));

    try {
      if (signInEmail !== null) {
        if (response.ok) {
          const body = (await response.clone().json()) as { user?: { id: string; email: string; name: string } };
          if (body.user) {
            const u = body.user;
            await inEachOrg(u.id, { type: auditTypes.signIn, actor: { id: u.id, email: u.email, name: u.name }, ip });
          }
        } else if (response.status === 401 || response.status === 403) {
          const [known] = await db
            .select({ id: schema.user.id, name: schema.user.name })
            .from(schema.user)
            .where(eq(schema.user.email, signInEmail));
          const failed = {
            type: auditTypes.signInFailed,
            status: "failure" as const,
            actor: { id: known?.id ?? null, email: signInEmail, name: known?.name ?? null },
            ip,
            metadata: { reason: "invalid_credentials" },
          };
          if (known) await inEachOrg(known.id, failed);
          else await recordAudit(db, { ...failed, tenantId: PLATFORM_TENANT });
        }
      } else if (path === "/sign-out" && response.ok && actor) {
        await inEachOrg(actor.id, { type: auditTypes.signOut, actor, ip });
      }
    } catch (error) {
      log(`audit: ${(error as Error).message}`);
    }
    return response;
  };
}
