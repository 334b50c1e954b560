import { queryState } from "../components/query-state";
import { useQuery } from "@tanstack/react-query";
import { PageHeader } from "../components/page-header";
import { EmptyState } from "../components/states";
import { formatDate } from "../lib/format";
import { useTRPC } from "../lib/trpc";

/** /platform/tenants: operators see every organization with its member count, never its logs. */
export function TenantsPage() {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.platform.tenants.queryOptions());
  const header = <PageHeader title="Tenants" description="Every organization on this Logbook platform." />;

  const state = queryState(tenants, {
    header,
    loading: "Loading tenants…",
    noAccess: "see the platform's tenants (operators only)",
  });
  if (state || !tenants.isSuccess) return state;
  if (tenants.data.length === 0)
    return (
      <>
        {header}
        <EmptyState title="No tenants yet" />
      </>
    );

  return (
    <>
      {header}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col" className="num">
                Members
              </th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {tenants.data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono muted">{t.slug}</td>
                <td className="num">{t.members}</td>
                <td className="muted nowrap">{formatDate(String(t.createdAt))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
