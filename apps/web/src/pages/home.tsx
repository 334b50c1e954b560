import { useQuery } from "@tanstack/react-query";
import { Redirect } from "wouter";
import { ErrorState, FullPageSpinner } from "../components/states";
import { errorMessage, useTRPC } from "../lib/trpc";

/** "/": the first organization's activity, or creating one when the user has none. */
export function HomePage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    return (
      <div className="full-page">
        <ErrorState message={errorMessage(me.error)} onRetry={() => me.refetch()} />
      </div>
    );
  }
  const first = me.data.organizations[0];
  return <Redirect to={first ? `/o/${first.id}/activity` : "/orgs/new"} replace />;
}
