import { can, isRole } from "@logbook/shared/permissions";
import { retentionFieldLabels, retentionFields, retentionKinds } from "@logbook/shared/retention";
import { useQuery } from "@tanstack/react-query";
import { PageHeader } from "../components/page-header";
import { queryState } from "../components/query-state";
import { NoAccess, Spinner } from "../components/states";
import { formatRelative, formatUtc } from "../lib/format";
import { useTRPC } from "../lib/trpc";

const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;

/** /o/:orgId/retention: the organization's plan, how long each kind of log is kept, and the oldest events kept. */
export function RetentionPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const role = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const allowed = isRole(role) && can(role, "retention:read");
  const retention = useQuery(trpc.retention.get.queryOptions({ orgId }, { enabled: allowed }));
  const header = (
    <PageHeader
      title="Retention"
      description="How long Logbook keeps this organization's logs. Older events are deleted every hour; questions and answers go first."
    />
  );
  if (!allowed) {
    return (
      <>
        {header}
        {me.isPending ? <Spinner /> : <NoAccess what="see this organization's retention" userRole={role} />}
      </>
    );
  }
  const state = queryState(retention, { header, loading: "Loading retention…", noAccess: "see this organization's retention" });
  if (state || !retention.isSuccess) return state;
  const r = retention.data;

  return (
    <>
      {header}
      <div className="panel stack">
        <p>
          Plan <strong>{r.plan.name}</strong>
          {r.legalHold ? (
            <span className="badge neutral" style={{ marginLeft: 8 }}>
              Legal hold: nothing is deleted
            </span>
          ) : null}
        </p>
        <div className="table-wrap">
          <table className="table" aria-label="Retention per kind">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Kept for
                </th>
                <th scope="col">Older than this is deleted</th>
                <th scope="col">Oldest event kept</th>
              </tr>
            </thead>
            <tbody>
              {retentionFields.map((field) => {
                const oldest = (retentionKinds as readonly string[]).includes(field)
                  ? r.oldestEvent[field as (typeof retentionKinds)[number]]
                  : null;
                return (
                  <tr key={field}>
                    <td>
                      {retentionFieldLabels[field]}
                      {field === "interaction_content" ? <span className="hint"> questions and answers</span> : null}
                      {r.overridden.includes(field) ? (
                        <span className="badge neutral" style={{ marginLeft: 6 }} title={`Plan: ${days(r.planDays[field])}`}>
                          custom
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{days(r.days[field])}</td>
                    <td className="muted nowrap">{r.legalHold ? "— (legal hold)" : formatUtc(r.cutoffs[field])}</td>
                    <td className="muted nowrap">
                      {field === "interaction_content"
                        ? ""
                        : oldest
                          ? `${formatUtc(oldest)} (${formatRelative(oldest)})`
                          : "none"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="muted small">
          Export files are kept {days(r.exportFileDays)}. The same figures are available to your systems at{" "}
          <code className="mono">GET /v1/retention</code>.
        </p>
      </div>
    </>
  );
}
