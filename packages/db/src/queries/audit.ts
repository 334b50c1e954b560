import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { member } from "../schema/auth";
import { insertEvents } from "./events";

export interface AuditActor {
  id?: string | null;
  email?: string | null;
  name?: string | null;
  type?: "user" | "system" | "api_key" | "operator";
}

export interface AuditEvent {
  tenantId: string;
  type: string;
  actor?: AuditActor | null;
  target?: { type?: string; id?: string | null; name?: string | null } | null;
  status?: "success" | "failure";
  ip?: string | null;
  metadata?: Record<string, unknown>;
  occurredAt?: Date;
}

/** Records one entry of Logbook's own audit trail as a user_activity event of the tenant concerned. */
export async function recordAudit(db: Db, event: AuditEvent): Promise<string> {
  const [id] = await insertEvents(db, {
    tenantId: event.tenantId,
    events: [
      {
        kind: "user_activity",
        type: event.type,
        occurredAt: (event.occurredAt ?? new Date()).toISOString(),
        status: event.status ?? "success",
        actorId: event.actor?.id ?? null,
        actorEmail: event.actor?.email ?? null,
        actorName: event.actor?.name ?? null,
        actorType: event.actor?.type ?? (event.actor ? "user" : null),
        ip: event.ip ?? null,
        targetType: event.target?.type ?? null,
        targetId: event.target?.id ?? null,
        targetName: event.target?.name ?? null,
        source: "logbook",
        metadata: event.metadata ?? null,
      },
    ],
  });
  return id as string;
}

/** Organization ids a user belongs to. */
export async function organizationIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.select({ id: member.organizationId }).from(member).where(eq(member.userId, userId));
  return rows.map((r) => r.id);
}
