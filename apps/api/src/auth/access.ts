import type { Role } from "@logbook/shared/permissions";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";

/**
 * better-auth's organization plugin checks its own statements (member, invitation, organization)
 * for its endpoints; these roles mirror the matrix in @logbook/shared/permissions, where
 * "members:manage" belongs to owners and admins only.
 */
export const ac = createAccessControl(defaultStatements);

const manage = {
  organization: ["update"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
} as const;

export const orgRoles: Record<Role, ReturnType<typeof ac.newRole>> = {
  owner: ac.newRole({ ...manage, organization: ["update", "delete"] }),
  admin: ac.newRole(manage),
  auditor: ac.newRole({}),
  member: ac.newRole({}),
};
