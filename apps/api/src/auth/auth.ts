import type { Db } from "@logbook/db/client";
import { schema } from "@logbook/db/client";
import { recordAudit } from "@logbook/db/queries/audit";
import { auditTypes } from "@logbook/shared/events";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { organization } from "better-auth/plugins";
import { ac, orgRoles } from "./access";
import { authRequestContext } from "./request-context";

export interface AuthOptions {
  db: Db;
  baseURL: string;
  secret: string;
  trustedOrigins: string[];
  log: (line: string) => void;
}

export function createAuth({ db, baseURL, secret, trustedOrigins, log }: AuthOptions) {
  const audit = (event: Parameters<typeof recordAudit>[1]) =>
    recordAudit(db, { ip: authRequestContext.getStore()?.ip ?? null, ...event }).catch((e: Error) =>
      log(`audit: could not record ${event.type}: ${e.message}`),
    );
  const caller = () => authRequestContext.getStore()?.actor ?? null;
  const person = (u: { id: string; email: string; name: string }) => ({ id: u.id, email: u.email, name: u.name });

  return betterAuth({
    baseURL,
    basePath: "/api/auth",
    secret,
    trustedOrigins,
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        organization: schema.organization,
        member: schema.member,
        invitation: schema.invitation,
      },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
    user: {
      additionalFields: {
        platformRole: { type: "string", required: false, input: false },
      },
    },
    // Explicit, so the origin/CSRF check stays on whatever NODE_ENV says (better-auth skips it in tests).
    advanced: { disableOriginCheck: false, disableCSRFCheck: false },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [
      organization({
        ac,
        roles: orgRoles,
        creatorRole: "owner",
        allowUserToCreateOrganization: true,
        invitationExpiresIn: 7 * 24 * 3600,
        // No mail server: the invite link is shown to the inviter instead (see members.invite).
        sendInvitationEmail: async () => {},
        organizationHooks: {
          afterCreateOrganization: async ({ organization: org, user }) => {
            await audit({
              tenantId: org.id,
              type: auditTypes.orgCreated,
              actor: person(user),
              target: { type: "organization", id: org.id, name: org.name },
            });
          },
          afterCreateInvitation: async ({ invitation, inviter, organization: org }) => {
            await audit({
              tenantId: org.id,
              type: auditTypes.memberInvited,
              actor: person(inviter),
              target: { type: "invitation", id: invitation.id, name: invitation.email },
              metadata: { role: invitation.role, email: invitation.email },
            });
          },
          afterAcceptInvitation: async ({ invitation, member, user, organization: org }) => {
            await audit({
              tenantId: org.id,
              type: auditTypes.memberJoined,
              actor: person(user),
              target: { type: "member", id: member.id, name: user.email },
              metadata: { role: member.role, invitationId: invitation.id },
            });
          },
          afterUpdateMemberRole: async ({ member, previousRole, user, organization: org }) => {
            await audit({
              tenantId: org.id,
              type: auditTypes.memberRoleChanged,
              actor: caller(),
              target: { type: "member", id: member.id, name: user.email },
              metadata: { from: previousRole, to: member.role, userId: user.id },
            });
          },
          afterRemoveMember: async ({ member, user, organization: org }) => {
            await audit({
              tenantId: org.id,
              type: auditTypes.memberRemoved,
              actor: caller(),
              target: { type: "member", id: member.id, name: user.email },
              metadata: { role: member.role, userId: user.id },
            });
          },
          afterCancelInvitation: async ({ invitation, organization: org }) => {
            await audit({
              tenantId: org.id,
              type: auditTypes.invitationCanceled,
              actor: caller(),
              target: { type: "invitation", id: invitation.id, name: invitation.email },
            });
          },
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
