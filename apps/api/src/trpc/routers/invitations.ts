import { schema } from "@logbook/db/client";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { callAuth } from "../call-auth";
import { protectedProcedure, router } from "../trpc";

/** The invitee's side: see an invitation addressed to you, and accept it. */
export const invitationsRouter = router({
  get: protectedProcedure.input(z.object({ invitationId: z.string().min(1) })).query(async ({ ctx, input }) => {
    const [inv] = await ctx.db
      .select({
        id: schema.invitation.id,
        email: schema.invitation.email,
        role: schema.invitation.role,
        status: schema.invitation.status,
        expiresAt: schema.invitation.expiresAt,
        organizationId: schema.invitation.organizationId,
        organizationName: schema.organization.name,
      })
      .from(schema.invitation)
      .innerJoin(schema.organization, eq(schema.organization.id, schema.invitation.organizationId))
      .where(eq(schema.invitation.id, input.invitationId));
    if (!inv || inv.email.toLowerCase() !== ctx.user.email.toLowerCase()) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: "No invitation for your account at this link. Sign in with the invited email address.",
      });
    }
    return { ...inv, expired: inv.expiresAt.getTime() < Date.now() };
  }),

  accept: protectedProcedure.input(z.object({ invitationId: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const result = await callAuth({ actor: ctx.user, ip: ctx.ip }, () =>
      ctx.auth.api.acceptInvitation({ body: { invitationId: input.invitationId }, headers: ctx.headers }),
    );
    if (!result) throw new TRPCError({ code: "BAD_REQUEST", message: "Invitation could not be accepted" });
    return { organizationId: result.invitation.organizationId };
  }),
});
