import { retentionFieldLabels, retentionFields } from "@logbook/shared/retention";
import { useQuery } from "@tanstack/react-query";
import { PageHeader } from "../components/page-header";
import { PlanRetentionRow } from "../components/plan-retention-editor";
import { queryState } from "../components/query-state";
import { EmptyState } from "../components/states";
import { TenantRetentionRow } from "../components/tenant-retention-row";
import { formatUtc } from "../lib/format";
import { useTRPC } from "../lib/trpc";

/**
 * /platform/tenants, the operator console: plans and their retention, every organization with its
 * plan, event counts and estimated storage (never its logs), overrides, legal hold, and recent changes.
 */
export function TenantsPage() {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.platform.tenants.queryOptions());
  const plans = useQuery(trpc.platform.plans.queryOptions());
  const changes = useQuery(trpc.platform.auditTrail.queryOptions());
  const header = (
    <PageHeader
      title="Tenants"
      description="Plans, retention and every organization on this Logbook platform (operators only)."
    />
  );

  const state =
    queryState(tenants, { header, loading: "Loading tenants…", noAccess: "see the platform's tenants (operators only)" }) ??
    queryState(plans, { header, loading: "Loading plans…", noAccess: "see the platform's plans (operators only)" });
  if (state || !tenants.isSuccess || !plans.isSuccess) return state;

  return (
    <>
      {header}
      <h2 className="section-title">Plans: retention in days</h2>
      <div className="table-wrap">
        <table className="table" aria-label="Plans">
          <thead>
            <tr>
              <th scope="col">Plan</th>
              {retentionFields.map((f) => (
                <th key={f} scope="col" className="num">
                  {retentionFieldLabels[f]}
                </th>
              ))}
              <th scope="col" className="num">
                Export files
              </th>
              <th scope="col" className="num">
                API req/s
              </th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {plans.data.map((p) => (
              <PlanRetentionRow key={`${p.id}-${String(p.updatedAt)}`} plan={p} />
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="section-title">Tenants</h2>
      {tenants.data.length === 0 ? (
        <EmptyState title="No tenants yet" />
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Tenants">
            <thead>
              <tr>
                <th scope="col">Organization</th>
                <th scope="col">Plan</th>
                <th scope="col" className="num">
                  User activity
                </th>
                <th scope="col" className="num">
                  System
                </th>
                <th scope="col" className="num">
                  Interactions
                </th>
                <th scope="col" className="num">
                  Storage
                </th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {tenants.data.map((t) => (
                <TenantRetentionRow key={t.id} tenant={t} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 className="section-title">Recent changes</h2>
      {changes.isSuccess && changes.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-label="Recent retention changes">
            <tbody>
              {changes.data.map((c) => (
                <tr key={c.id}>
                  <td className="muted nowrap">{formatUtc(String(c.occurredAt))}</td>
                  <td className="mono">{c.type}</td>
                  <td>{c.targetName}</td>
                  <td className="muted">{c.actorEmail}</td>
                  <td className="mono small muted">{JSON.stringify(c.metadata)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No changes yet.</p>
      )}
    </>
  );
}
