import type { Db } from "@logbook/db/client";
import { schema } from "@logbook/db/client";
import { and, eq } from "drizzle-orm";
import type { Auth } from "../auth/auth";
import { slugify } from "../trpc/routers/organizations";

/**
 * Headless set-up (LOGBOOK_INIT_ORG_NAME, LOGBOOK_INIT_USER_EMAIL, LOGBOOK_INIT_USER_PASSWORD):
 * creates the owner and the organization when they do not exist. Idempotent.
 */
export async function ensureInitialOrganization(
  db: Db,
  auth: Auth,
  init: { orgName: string; email: string; password: string },
): Promise<{ organizationId: string; userId: string; createdUser: boolean; createdOrg: boolean }> {
  const email = init.email.toLowerCase();
  const [found] = await db.select({ id: schema.user.id }).from(schema.user).where(eq(schema.user.email, email));
  const userId =
    found?.id ??
    (await auth.api.signUpEmail({ body: { name: email.split("@")[0] ?? email, email, password: init.password } })).user.id;

  const [org] = await db
    .select({ id: schema.organization.id })
    .from(schema.organization)
    .innerJoin(schema.member, eq(schema.member.organizationId, schema.organization.id))
    .where(and(eq(schema.organization.name, init.orgName), eq(schema.member.userId, userId)));
  if (org) return { organizationId: org.id, userId, createdUser: !found, createdOrg: false };

  const created = await auth.api.createOrganization({ body: { name: init.orgName, slug: slugify(init.orgName), userId } });
  if (!created) throw new Error("initial organization was not created");
  return { organizationId: created.id, userId, createdUser: !found, createdOrg: true };
}
