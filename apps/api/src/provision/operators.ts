import type { Db } from "@logbook/db/client";
import { schema } from "@logbook/db/client";
import { inArray, sql } from "drizzle-orm";

/** Grants the platform role "operator" to existing users with these emails; returns those found. */
export async function grantOperators(db: Db, emails: string[]): Promise<string[]> {
  const wanted = emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (wanted.length === 0) return [];
  const rows = await db
    .update(schema.user)
    .set({ platformRole: "operator", updatedAt: sql`now()` })
    .where(inArray(schema.user.email, wanted))
    .returning({ email: schema.user.email });
  return rows.map((r) => r.email);
}
