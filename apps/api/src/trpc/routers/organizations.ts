import { schema } from "@logbook/db/client";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { callAuth } from "../call-auth";
import { protectedProcedure, router, tenantProcedure } from "../trpc";

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${Math.random().toString(36).slice(2, 8)}`;
}

export const organizationsRouter = router({
  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(2, "Name must be at least 2 characters").max(80) }))
    .mutation(async ({ ctx, input }) => {
      const org = await callAuth({ actor: ctx.user, ip: ctx.ip }, () =>
        ctx.auth.api.createOrganization({ body: { name: input.name, slug: slugify(input.name) }, headers: ctx.headers }),
      );
      if (!org) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Organization was not created" });
      return { id: org.id, name: org.name, slug: org.slug };
    }),

  get: tenantProcedure("members:read").query(async ({ ctx }) => {
    const [org] = await ctx.db
      .select({ id: schema.organization.id, name: schema.organization.name, slug: schema.organization.slug })
      .from(schema.organization)
      .where(eq(schema.organization.id, ctx.tenant.tenantId));
    if (!org) throw new TRPCError({ code: "NOT_FOUND", message: "Organization not found" });
    return { ...org, role: ctx.tenant.role };
  }),
});
