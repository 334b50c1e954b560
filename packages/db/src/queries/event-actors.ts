import { and, eq, or, sql } from "drizzle-orm";
import { eventActors } from "../schema/rollups";
import type { Tx } from "../tenant";
import { escapeLike } from "./event-filter-sql";

/** Beyond this many matching actors a partial match scans the period instead of the actor index. */
export const MAX_ACTOR_KEYS = 100;

/**
 * The actor keys (actor id, else email, else name) of the tenant's actors whose id, email or name
 * contains `actor` (case-insensitive), from the actor directory the insert trigger keeps; null when
 * more than MAX_ACTOR_KEYS match (a broad match finds its rows fast by walking time anyway).
 */
export async function matchingActorKeys(tx: Tx, tenantId: string, actor: string): Promise<string[] | null> {
  const pattern = `%${escapeLike(actor)}%`;
  const a = eventActors;
  const rows = await tx
    .selectDistinct({ key: a.actorKey })
    .from(a)
    .where(
      and(
        eq(a.tenantId, tenantId),
        or(sql`${a.actorId} ILIKE ${pattern}`, sql`${a.actorEmail} ILIKE ${pattern}`, sql`${a.actorName} ILIKE ${pattern}`),
      ),
    )
    .limit(MAX_ACTOR_KEYS + 1);
  return rows.length > MAX_ACTOR_KEYS ? null : rows.map((r) => r.key);
}
