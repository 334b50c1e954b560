/**
 * Organization roles and the permission matrix of DESIGN.md, defined once and used by API and UI.
 * Operators are a platform-level role, separate from these.
 */
export const roles = ["owner", "admin", "auditor", "member"] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  "logs:read",
  "content:read",
  "exports:create",
  "exports:download",
  "schedules:manage",
  "apiKeys:manage",
  "members:manage",
  "members:read",
  "retention:read",
  "settings:manage",
] as const;
export type Permission = (typeof permissions)[number];

const admin: readonly Permission[] = permissions;

export const permissionMatrix: Record<Role, readonly Permission[]> = {
  owner: admin,
  admin,
  // Auditors read content redacted (see contentAccess) and export with content redacted.
  auditor: ["logs:read", "content:read", "exports:create", "exports:download", "retention:read", "members:read"],
  member: ["members:read"],
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (roles as readonly string[]).includes(value);
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && permissionMatrix[role].includes(permission);
}

export type ContentAccess = "full" | "redacted" | "none";

/** How much of an event's content (questions, answers, sensitive payload fields) a role may see. */
export function contentAccess(role: Role | null | undefined): ContentAccess {
  if (role === "owner" || role === "admin") return "full";
  if (role === "auditor") return "redacted";
  return "none";
}

/** Roles a member with `role` may hand out; owners alone create other owners. */
export function assignableRoles(role: Role): Role[] {
  if (role === "owner") return [...roles];
  if (role === "admin") return ["admin", "auditor", "member"];
  return [];
}

export const platformRoles = ["operator"] as const;
export type PlatformRole = (typeof platformRoles)[number];
