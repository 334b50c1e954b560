import { schema } from "@logbook/db/client";
import { can, isRole, type Permission, type Role } from "@logbook/shared/permissions";
import { initTRPC, TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Context } from "./context";

// Initialization
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zodIssues = error.cause instanceof z.ZodError ? error.cause.issues : undefined;
    // Never leak internals (SQL, stack) to the client: an unexpected error says only that.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: zodIssues
        ? zodIssues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")
        : internal
          ? "Something went wrong on our side."
          : shape.message,
      data: { ...shape.data, stack: undefined, issues: zodIssues },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

// Procedures
/** A signed-in caller; narrows ctx.session so handlers never write `session!`. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  const platformRole = (ctx.session.user as { platformRole?: string | null }).platformRole ?? null;
  return next({ ctx: { ...ctx, session: ctx.session, user: { ...ctx.session.user, platformRole } } });
});

/** Platform operators only (a platform role, not an organization role). */
export const operatorProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.platformRole !== "operator") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Missing platform role: operator" });
  }
  return next();
});

export const orgInput = z.object({ orgId: z.string().min(1, "orgId is required") });

/**
 * A procedure acting inside one organization and needing `permission`. The tenant comes from a
 * membership lookup of the signed-in user, never from the client alone; a missing permission fails
 * with FORBIDDEN naming it. Handlers get ctx.tenant = { tenantId, role, memberId }.
 */
export function tenantProcedure(permission: Permission) {
  return protectedProcedure.input(orgInput).use(async ({ ctx, input, next }) => {
    const [membership] = await ctx.db
      .select({ id: schema.member.id, role: schema.member.role })
      .from(schema.member)
      .where(and(eq(schema.member.organizationId, input.orgId), eq(schema.member.userId, ctx.user.id)));
    if (!membership || !isRole(membership.role)) {
      // Same answer whether the organization exists or not.
      throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of this organization." });
    }
    const role: Role = membership.role;
    if (!can(role, permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Missing permission: ${permission} (your role: ${role})` });
    }
    return next({ ctx: { ...ctx, tenant: { tenantId: input.orgId, role, memberId: membership.id } } });
  });
}
