import { isPlan, type Plan } from "@logbook/shared/plans";
import type { PrivacySettings } from "@logbook/shared/privacy";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { tenantSettings } from "../schema/ingestion";
import { withTenant } from "../tenant";

export interface TenantSettingsView {
  plan: Plan;
  privacy: Partial<PrivacySettings>;
}

/** A tenant's plan and privacy settings (defaults when none were saved). */
export async function getTenantSettings(db: Db, input: { tenantId: string }): Promise<TenantSettingsView> {
  const [row] = await db
    .select({ plan: tenantSettings.plan, privacy: tenantSettings.privacy })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, input.tenantId));
  return settingsView(row);
}

/** Settings as read (a missing row or plan: the defaults). */
export function settingsView(
  row: { plan: string | null; privacy: Partial<PrivacySettings> | null } | undefined,
): TenantSettingsView {
  return { plan: isPlan(row?.plan) ? row.plan : "free", privacy: row?.privacy ?? {} };
}

export async function savePrivacySettings(
  db: Db,
  input: { tenantId: string; privacy: Partial<PrivacySettings>; updatedBy: string },
): Promise<void> {
  await withTenant(db, input.tenantId, (tx) =>
    tx
      .insert(tenantSettings)
      .values({ tenantId: input.tenantId, privacy: input.privacy, updatedBy: input.updatedBy })
      .onConflictDoUpdate({
        target: tenantSettings.tenantId,
        set: { privacy: input.privacy, updatedBy: input.updatedBy, updatedAt: sql`now()` },
      }),
  );
}

/** Sets a tenant's plan (operators; the demo and benchmarks). */
export async function setTenantPlan(db: Db, input: { tenantId: string; plan: Plan; updatedBy?: string | null }): Promise<void> {
  await db
    .insert(tenantSettings)
    .values({ tenantId: input.tenantId, plan: input.plan, updatedBy: input.updatedBy ?? null })
    .onConflictDoUpdate({ target: tenantSettings.tenantId, set: { plan: input.plan, updatedAt: sql`now()` } });
}
