import { schema } from "@logbook/db/client";
import { eq } from "drizzle-orm";
import { protectedProcedure, router } from "../trpc";

export const meRouter = router({
  /** The signed-in user and the organizations they belong to, with their role in each. */
  get: protectedProcedure.query(async ({ ctx }) => {
    const organizations = await ctx.db
      .select({
        id: schema.organization.id,
        name: schema.organization.name,
        slug: schema.organization.slug,
        role: schema.member.role,
      })
      .from(schema.member)
      .innerJoin(schema.organization, eq(schema.organization.id, schema.member.organizationId))
      .where(eq(schema.member.userId, ctx.user.id))
      .orderBy(schema.organization.name);
    return {
      user: { id: ctx.user.id, name: ctx.user.name, email: ctx.user.email, platformRole: ctx.user.platformRole },
      organizations,
    };
  }),
});
