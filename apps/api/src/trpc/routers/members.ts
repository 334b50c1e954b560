import { schema } from "@logbook/db/client";
import { assignableRoles, roles } from "@logbook/shared/permissions";
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { callAuth } from "../call-auth";
import { router, tenantProcedure } from "../trpc";

const roleInput = z.enum(roles, { message: `role must be one of ${roles.join(", ")}` });

function ensureAssignable(own: (typeof roles)[number], target: (typeof roles)[number]) {
  if (!assignableRoles(own).includes(target)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `A${own === "admin" ? "n" : ""} ${own} cannot assign the ${target} role` });
  }
}

async function memberOf(ctx: { db: import("@logbook/db/client").Db }, tenantId: string, memberId: string) {
  const [row] = await ctx.db
    .select({ id: schema.member.id, role: schema.member.role, userId: schema.member.userId })
    .from(schema.member)
    .where(and(eq(schema.member.id, memberId), eq(schema.member.organizationId, tenantId)));
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such member in this organization" });
  return row;
}

export const membersRouter = router({
  list: tenantProcedure("members:read").query(async ({ ctx }) => {
    const { tenantId } = ctx.tenant;
    const members = await ctx.db
      .select({
        id: schema.member.id,
        userId: schema.member.userId,
        role: schema.member.role,
        createdAt: schema.member.createdAt,
        name: schema.user.name,
        email: schema.user.email,
      })
      .from(schema.member)
      .innerJoin(schema.user, eq(schema.user.id, schema.member.userId))
      .where(eq(schema.member.organizationId, tenantId))
      .orderBy(schema.member.createdAt);
    const invitations = await ctx.db
      .select({
        id: schema.invitation.id,
        email: schema.invitation.email,
        role: schema.invitation.role,
        status: schema.invitation.status,
        expiresAt: schema.invitation.expiresAt,
      })
      .from(schema.invitation)
      .where(and(eq(schema.invitation.organizationId, tenantId), eq(schema.invitation.status, "pending")));
    return { members, invitations, myRole: ctx.tenant.role, myMemberId: ctx.tenant.memberId };
  }),

  invite: tenantProcedure("members:manage")
    .input(z.object({ email: z.email({ message: "Enter a valid email address" }), role: roleInput }))
    .mutation(async ({ ctx, input }) => {
      ensureAssignable(ctx.tenant.role, input.role);
      const invitation = await callAuth({ actor: ctx.user, ip: ctx.ip }, () =>
        ctx.auth.api.createInvitation({
          body: { email: input.email.toLowerCase(), role: input.role, organizationId: ctx.tenant.tenantId },
          headers: ctx.headers,
        }),
      );
      // No mail server: the inviter is shown the link to pass on.
      return { invitationId: invitation.id, inviteUrl: `${ctx.baseURL}/invite/${invitation.id}` };
    }),

  cancelInvitation: tenantProcedure("members:manage")
    .input(z.object({ invitationId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const [inv] = await ctx.db
        .select({ id: schema.invitation.id })
        .from(schema.invitation)
        .where(and(eq(schema.invitation.id, input.invitationId), eq(schema.invitation.organizationId, ctx.tenant.tenantId)));
      if (!inv) throw new TRPCError({ code: "NOT_FOUND", message: "No such invitation in this organization" });
      await callAuth({ actor: ctx.user, ip: ctx.ip }, () =>
        ctx.auth.api.cancelInvitation({ body: { invitationId: input.invitationId }, headers: ctx.headers }),
      );
      return { ok: true };
    }),

  updateRole: tenantProcedure("members:manage")
    .input(z.object({ memberId: z.string().min(1), role: roleInput }))
    .mutation(async ({ ctx, input }) => {
      const target = await memberOf(ctx, ctx.tenant.tenantId, input.memberId);
      ensureAssignable(ctx.tenant.role, input.role);
      if (target.role === "owner" && ctx.tenant.role !== "owner") {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can change an owner's role" });
      }
      await callAuth({ actor: ctx.user, ip: ctx.ip }, () =>
        ctx.auth.api.updateMemberRole({
          body: { memberId: input.memberId, role: input.role, organizationId: ctx.tenant.tenantId },
          headers: ctx.headers,
        }),
      );
      return { ok: true };
    }),

  remove: tenantProcedure("members:manage")
    .input(z.object({ memberId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const target = await memberOf(ctx, ctx.tenant.tenantId, input.memberId);
      if (target.role === "owner" && ctx.tenant.role !== "owner") {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can remove an owner" });
      }
      await callAuth({ actor: ctx.user, ip: ctx.ip }, () =>
        ctx.auth.api.removeMember({
          body: { memberIdOrEmail: input.memberId, organizationId: ctx.tenant.tenantId },
          headers: ctx.headers,
        }),
      );
      return { ok: true };
    }),
});
