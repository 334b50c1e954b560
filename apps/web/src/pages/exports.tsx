import { can, isRole } from "@logbook/shared/permissions";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ExportSchedules } from "../components/export-schedules";
import { PageHeader } from "../components/page-header";
import { queryState } from "../components/query-state";
import { EmptyState, FormError, NoAccess } from "../components/states";
import { formatRelative, formatUtc } from "../lib/format";
import { errorMessage, useTRPC } from "../lib/trpc";

const sizeUnits = ["B", "KB", "MB", "GB"];
function formatSize(bytes: number | null): string {
  if (bytes === null) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < sizeUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${sizeUnits[unit]}`;
}

/** /o/:orgId/exports: export runs with progress and downloads; schedules (owners and admins manage them). */
export function ExportsPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const myRole = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const role = isRole(myRole) ? myRole : null;
  const allowed = can(role, "exports:download");
  const list = useQuery({
    ...trpc.exports.list.queryOptions({ orgId }),
    enabled: allowed,
    // Runs in progress refresh every second.
    refetchInterval: (q) => (q.state.data?.some((e) => e.status === "queued" || e.status === "running") ? 1000 : false),
  });
  const cancel = useMutation(
    trpc.exports.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.exports.list.pathKey() }),
    }),
  );
  const link = useMutation(
    trpc.exports.downloadLink.mutationOptions({
      onSuccess: ({ url }) => {
        window.location.assign(url);
      },
    }),
  );

  const header = (
    <PageHeader
      title="Exports"
      description="CSV and JSON Lines files of your logs, made from a log view's filters or by a schedule. Files are kept for the period your plan sets."
    />
  );
  if (me.isSuccess && !allowed) {
    return (
      <>
        {header}
        <NoAccess what="see this organization's exports" userRole={role} />
      </>
    );
  }
  const state = queryState(list, {
    header,
    loading: "Loading exports…",
    noAccess: "see this organization's exports",
    userRole: role,
  });
  if (state || !list.isSuccess) return state;

  return (
    <>
      {header}
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading" className="section-title">
          Runs
        </h2>
        <FormError message={cancel.isError ? errorMessage(cancel.error) : link.isError ? errorMessage(link.error) : null} />
        {list.data.length === 0 ? (
          <EmptyState title="No exports yet">Use “Export” in a log view, or create a schedule below.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table exports-table">
              <thead>
                <tr>
                  <th scope="col">Period (UTC)</th>
                  <th scope="col">Format</th>
                  <th scope="col">Status</th>
                  <th scope="col">Rows</th>
                  <th scope="col">Size</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((e) => {
                  const active = e.status === "queued" || e.status === "running";
                  return (
                    <tr key={e.id} data-export-id={e.id} data-status={e.status}>
                      <td>
                        {formatUtc(e.periodFrom)} → {formatUtc(e.periodTo)}
                        {e.scheduleId ? <span className="badge neutral">scheduled</span> : null}
                      </td>
                      <td>
                        {e.format.toUpperCase()}
                        {e.gzip ? " (gzip)" : ""}
                      </td>
                      <td>
                        <span
                          className={`badge ${e.status === "ready" ? "success" : e.status === "failed" ? "danger" : "neutral"}`}
                        >
                          {e.status}
                        </span>
                        {e.status === "running" ? (
                          <progress
                            max={e.rowsEstimate ?? undefined}
                            value={e.rowsEstimate ? e.rowsDone : undefined}
                            aria-label="Export progress"
                          />
                        ) : null}
                        {e.status === "failed" && e.error ? <div className="muted">{e.error}</div> : null}
                      </td>
                      <td>
                        {e.rowsDone.toLocaleString("en")}
                        {e.status === "running" && e.rowsEstimate ? ` of ${e.rowsEstimate.toLocaleString("en")}` : ""}
                      </td>
                      <td>{formatSize(e.sizeBytes)}</td>
                      <td>
                        {e.sha256 ? (
                          <code title={e.sha256} data-testid="export-sha256">
                            {e.sha256.slice(0, 12)}…
                          </code>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td title={e.createdAt}>{formatRelative(e.createdAt)}</td>
                      <td className="row-actions">
                        {e.status === "ready" ? (
                          <button
                            type="button"
                            className="button small"
                            onClick={() => link.mutate({ orgId, id: e.id })}
                            disabled={link.isPending}
                          >
                            Download
                          </button>
                        ) : null}
                        {active && can(role, "exports:create") ? (
                          <button type="button" className="button ghost small" onClick={() => cancel.mutate({ orgId, id: e.id })}>
                            Cancel
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <ExportSchedules orgId={orgId} canManage={can(role, "schedules:manage")} />
    </>
  );
}
