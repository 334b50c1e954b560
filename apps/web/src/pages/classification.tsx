import { can, isRole } from "@logbook/shared/permissions";
import { useQuery } from "@tanstack/react-query";
import { ClassificationRuns } from "../components/classification-runs";
import { ClassificationToolSettings } from "../components/classification-tool-settings";
import { PageHeader } from "../components/page-header";
import { queryState } from "../components/query-state";
import { NoAccess } from "../components/states";
import { useTRPC } from "../lib/trpc";

const NO_ACCESS = "manage the classification settings of this organization";

/** /o/:orgId/classification: tool settings of the response-type rules and reclassify runs (owners and admins). */
export function ClassificationPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const myRole = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const role = isRole(myRole) ? myRole : null;
  const allowed = can(role, "settings:manage");
  const settings = useQuery({ ...trpc.classification.getSettings.queryOptions({ orgId }), enabled: allowed });

  const header = (
    <PageHeader
      title="Classification"
      description="How the worker labels interactions: which tools count as retrieval or connector tools, and reclassifying a period."
    />
  );
  if (me.isSuccess && !allowed) {
    return (
      <>
        {header}
        <NoAccess what={NO_ACCESS} userRole={role} />
      </>
    );
  }
  const state = queryState(me.isPending ? me : settings, {
    header,
    loading: "Loading classification settings…",
    noAccess: NO_ACCESS,
    userRole: role,
  });
  if (state || !settings.isSuccess) return state;

  return (
    <>
      {header}
      <section aria-labelledby="tools-heading">
        <h2 id="tools-heading" className="section-title">
          Tool settings
        </h2>
        <ClassificationToolSettings key={orgId} orgId={orgId} initial={settings.data} />
      </section>
      <section aria-labelledby="reclassify-heading" className="classification-reclassify">
        <h2 id="reclassify-heading" className="section-title">
          Reclassify a period
        </h2>
        <ClassificationRuns orgId={orgId} />
      </section>
    </>
  );
}
