import { schema } from "@logbook/db/client";
import { sql } from "drizzle-orm";
import { operatorProcedure, router } from "../trpc";

/** Operators' view of the platform: tenants with counts, never log content. */
export const platformRouter = router({
  tenants: operatorProcedure.query(async ({ ctx }) => {
    return ctx.db
      .select({
        id: schema.organization.id,
        name: schema.organization.name,
        slug: schema.organization.slug,
        createdAt: schema.organization.createdAt,
        members: sql<number>`(SELECT count(*)::int FROM member m WHERE m.organization_id = "organization"."id")`,
      })
      .from(schema.organization)
      .orderBy(schema.organization.name);
  }),
});
