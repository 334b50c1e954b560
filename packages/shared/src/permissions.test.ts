import { describe, expect, it } from "vitest";
import { assignableRoles, can, contentAccess, permissionMatrix, permissions, roles } from "./permissions";

// The matrix of DESIGN.md, written out independently of the implementation.
const expected: Record<string, Record<string, boolean>> = {
  "logs:read": { owner: true, admin: true, auditor: true, member: false },
  "content:read": { owner: true, admin: true, auditor: true, member: false },
  "exports:create": { owner: true, admin: true, auditor: true, member: false },
  "exports:download": { owner: true, admin: true, auditor: true, member: false },
  "schedules:manage": { owner: true, admin: true, auditor: false, member: false },
  "apiKeys:manage": { owner: true, admin: true, auditor: false, member: false },
  "members:manage": { owner: true, admin: true, auditor: false, member: false },
  "members:read": { owner: true, admin: true, auditor: true, member: true },
  "retention:read": { owner: true, admin: true, auditor: true, member: false },
  "settings:manage": { owner: true, admin: true, auditor: false, member: false },
};

describe("permission matrix", () => {
  it("covers every permission", () => {
    expect(Object.keys(expected).sort()).toEqual([...permissions].sort());
  });

  for (const permission of permissions) {
    for (const role of roles) {
      it(`${role} ${expected[permission]?.[role] ? "has" : "lacks"} ${permission}`, () => {
        expect(can(role, permission)).toBe(expected[permission]?.[role]);
        expect(permissionMatrix[role].includes(permission)).toBe(expected[permission]?.[role]);
      });
    }
  }

  it("grants nothing without a role", () => {
    for (const permission of permissions) expect(can(null, permission)).toBe(false);
  });

  it("redacts content for auditors and hides it from members", () => {
    expect(contentAccess("owner")).toBe("full");
    expect(contentAccess("admin")).toBe("full");
    expect(contentAccess("auditor")).toBe("redacted");
    expect(contentAccess("member")).toBe("none");
  });

  it("lets only owners hand out the owner role", () => {
    expect(assignableRoles("owner")).toContain("owner");
    expect(assignableRoles("admin")).not.toContain("owner");
    expect(assignableRoles("auditor")).toEqual([]);
    expect(assignableRoles("member")).toEqual([]);
  });
});
