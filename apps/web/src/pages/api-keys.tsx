import { queryState } from "../components/query-state";
import { can, isRole } from "@logbook/shared/permissions";
import { useQuery } from "@tanstack/react-query";
import { ApiKeyCreateForm } from "../components/api-key-create-form";
import { ApiKeyRow } from "../components/api-key-row";
import { PageHeader } from "../components/page-header";
import { EmptyState, NoAccess } from "../components/states";
import { useTRPC } from "../lib/trpc";

/** /o/:orgId/api-keys: the keys tenants' systems send events with (owners and admins). */
export function ApiKeysPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const myRole = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const role = isRole(myRole) ? myRole : null;
  const allowed = can(role, "apiKeys:manage");
  const list = useQuery({ ...trpc.apiKeys.list.queryOptions({ orgId }), enabled: allowed });

  const header = (
    <PageHeader
      title="API keys"
      description="Your systems send events to Logbook with these keys (Authorization: Bearer <key>). A key is shown once, when it is created."
    />
  );
  if (me.isSuccess && !allowed) {
    return (
      <>
        {header}
        <NoAccess what="manage the API keys of this organization" userRole={role} />
      </>
    );
  }
  const state = queryState(list, {
    header,
    loading: "Loading API keys…",
    noAccess: "manage the API keys of this organization",
    userRole: role,
  });
  if (state || !list.isSuccess) return state;

  const keys = list.data.map((k) => ({
    ...k,
    createdAt: String(k.createdAt),
    lastUsedAt: k.lastUsedAt ? String(k.lastUsedAt) : null,
    expiresAt: k.expiresAt ? String(k.expiresAt) : null,
  }));
  const active = keys.filter((k) => k.status === "active").length;

  return (
    <>
      {header}
      <ApiKeyCreateForm orgId={orgId} />
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="section-title">
          Keys <span className="count">{active} active</span>
        </h2>
        {keys.length === 0 ? (
          <EmptyState title="No API keys yet">Create one above to start sending events.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <ApiKeyRow key={k.id} orgId={orgId} apiKey={k} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
