import type { Db } from "@logbook/db/client";
import { recordAudit } from "@logbook/db/queries/audit";
import { PLATFORM_TENANT } from "@logbook/shared/events";

interface OperatorContext {
  db: Db;
  ip: string | null;
  user: { id: string; email: string; name: string };
}

/**
 * An operator's change as audit-trail events: one in each tenant concerned (its admins see it in their
 * user activity) and one in the platform's own trail (what the operator console lists).
 */
export async function recordOperatorChange(
  ctx: OperatorContext,
  change: {
    tenantIds: string[];
    type: string;
    target: { type: string; id: string; name: string };
    metadata: Record<string, unknown>;
  },
): Promise<void> {
  const actor = { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name, type: "operator" as const };
  for (const tenantId of [...new Set(change.tenantIds), PLATFORM_TENANT]) {
    await recordAudit(ctx.db, {
      tenantId,
      type: change.type,
      actor,
      target: change.target,
      ip: ctx.ip,
      metadata: change.metadata,
    });
  }
}
