import { can, isRole } from "@logbook/shared/permissions";
import { useQuery } from "@tanstack/react-query";
import { PageHeader } from "../components/page-header";
import { PrivacyForm } from "../components/privacy-form";
import { ErrorState, NoAccess, Spinner } from "../components/states";
import { errorMessage, useTRPC } from "../lib/trpc";

/** /o/:orgId/privacy: what ingestion redacts from events before they are stored (owners and admins). */
export function PrivacyPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const role = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const allowed = isRole(role) && can(role, "settings:manage");
  const settings = useQuery(trpc.settings.getPrivacy.queryOptions({ orgId }, { enabled: allowed }));

  const header = (
    <PageHeader
      title="Privacy"
      description="Personal data Logbook removes from the events your systems send, before anything is stored."
    />
  );
  if (!allowed) {
    return (
      <>
        {header}
        {me.isPending ? <Spinner /> : <NoAccess what="change the privacy settings of this organization" userRole={role} />}
      </>
    );
  }
  if (settings.isPending) {
    return (
      <>
        {header}
        <Spinner label="Loading privacy settings…" />
      </>
    );
  }
  if (settings.isError) {
    return (
      <>
        {header}
        <ErrorState message={errorMessage(settings.error)} onRetry={() => settings.refetch()} />
      </>
    );
  }
  return (
    <>
      {header}
      <PrivacyForm orgId={orgId} initial={settings.data} />
    </>
  );
}
