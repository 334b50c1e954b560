import type { Db } from "@logbook/db/client";
import { schema } from "@logbook/db/client";
import { insertEvents } from "@logbook/db/queries/events";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { setTenantPlan } from "@logbook/db/queries/tenant-settings";
import { demoEvents } from "@logbook/db/seed/demo-events";
import type { Role } from "@logbook/shared/permissions";
import { eq } from "drizzle-orm";
import type { Auth } from "../auth/auth";
import { ensureProvisionedApiKey } from "./initial-api-key";

export const DEMO_SLUG = "demo";
export const DEMO_LOGIN = { email: "admin@demo.logbook.dev", password: "logbook-demo" };
/**
 * The demo workspace's API key: fixed and public by design (it is the demo, and the README's curl
 * example uses it). Never present outside a demo workspace.
 */
export const DEMO_API_KEY = "lb_demo_0000000000000000000000000000000000000000";

const people: { name: string; email: string; role: Role }[] = [
  { name: "Dana Admin", email: DEMO_LOGIN.email, role: "owner" },
  { name: "Alex Rivera", email: "alex@demo.logbook.dev", role: "admin" },
  { name: "Audrey Chen", email: "audrey@demo.logbook.dev", role: "auditor" },
  { name: "Sam Patel", email: "sam@demo.logbook.dev", role: "member" },
  { name: "Jordan Lee", email: "jordan@demo.logbook.dev", role: "member" },
];

/**
 * Seeds the demo workspace on first start: users of every role, an organization on the business
 * plan with the demo API key, and a few thousand events of all three kinds over the last 14 days.
 * When it already exists, only adds the demo API key if missing (workspaces seeded before keys).
 */
export async function seedDemoWorkspace(
  db: Db,
  auth: Auth,
): Promise<{ created: boolean; organizationId: string; events: number; apiKeyCreated: boolean }> {
  const [existing] = await db
    .select({ id: schema.organization.id })
    .from(schema.organization)
    .where(eq(schema.organization.slug, DEMO_SLUG));
  if (existing) {
    const [owner] = await db.select({ id: schema.user.id }).from(schema.user).where(eq(schema.user.email, DEMO_LOGIN.email));
    const apiKeyCreated = await ensureDemoApiKey(db, existing.id, owner?.id ?? null);
    return { created: false, organizationId: existing.id, events: 0, apiKeyCreated };
  }

  const users: { id: string; name: string; email: string; role: Role }[] = [];
  for (const p of people) {
    const [found] = await db.select({ id: schema.user.id }).from(schema.user).where(eq(schema.user.email, p.email));
    const id =
      found?.id ??
      (await auth.api.signUpEmail({ body: { name: p.name, email: p.email, password: DEMO_LOGIN.password } })).user.id;
    users.push({ ...p, id });
  }
  const owner = users[0]!;
  const org = await auth.api.createOrganization({ body: { name: "Acme Analytics (demo)", slug: DEMO_SLUG, userId: owner.id } });
  if (!org) throw new Error("demo organization was not created");
  for (const u of users.slice(1)) {
    await auth.api.addMember({ body: { userId: u.id, organizationId: org.id, role: u.role } });
  }

  const now = new Date();
  const events = demoEvents(users, { now, days: 14 });
  await ensurePartitions(db, new Date(now.getTime() - 15 * 86_400_000), now);
  for (let i = 0; i < events.length; i += 500) {
    await insertEvents(db, { tenantId: org.id, events: events.slice(i, i + 500) });
  }
  const apiKeyCreated = await ensureDemoApiKey(db, org.id, owner.id);
  return { created: true, organizationId: org.id, events: events.length, apiKeyCreated };
}

/** The demo key and the business plan (its rate limit suits trying the API); once. */
async function ensureDemoApiKey(db: Db, tenantId: string, ownerId: string | null): Promise<boolean> {
  const { created } = await ensureProvisionedApiKey(db, { tenantId, key: DEMO_API_KEY, name: "Demo key", createdBy: ownerId });
  if (created) await setTenantPlan(db, { tenantId, plan: "business" });
  return created;
}
