import { can, isRole } from "@logbook/shared/permissions";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { PageHeader } from "../components/page-header";
import { ActivityTable } from "../components/activity-table";
import { EmptyState, ErrorState, FormError, NoAccess, Spinner } from "../components/states";
import { errorMessage, useTRPC } from "../lib/trpc";

const PAGE_SIZE = 50;

/** /o/:orgId/activity: what people did in the organization, newest first. */
export function ActivityPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const role = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const allowed = isRole(role) && can(role, "logs:read");

  const events = useInfiniteQuery(
    trpc.events.list.infiniteQueryOptions(
      { orgId, kind: ["user_activity"], period: "all", limit: PAGE_SIZE },
      { enabled: allowed, getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );

  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const loadMoreError = events.isFetchNextPageError ? errorMessage(events.error) : null;

  return (
    <>
      <PageHeader
        title="User activity"
        description="Sign-ins, member changes and every other action people took in this organization."
        actions={
          allowed ? (
            <button type="button" className="button" onClick={() => events.refetch()} disabled={events.isFetching}>
              {events.isRefetching && !events.isFetchingNextPage ? "Refreshing…" : "Refresh"}
            </button>
          ) : null
        }
      />
      {!allowed ? (
        <NoAccess what="read this organization's logs" userRole={role} />
      ) : events.isPending ? (
        <Spinner label="Loading activity…" />
      ) : events.isError ? (
        <ErrorState message={errorMessage(events.error)} onRetry={() => events.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No activity yet">
          Actions such as sign-ins and member changes will appear here as they happen.
        </EmptyState>
      ) : (
        <>
          <ActivityTable items={items} />
          <div className="table-footer">
            <span className="muted">
              {items.length} event{items.length === 1 ? "" : "s"}
              {events.hasNextPage ? "" : " · end of list"}
            </span>
            {events.hasNextPage ? (
              <button
                type="button"
                className="button"
                onClick={() => events.fetchNextPage()}
                disabled={events.isFetchingNextPage}
              >
                {events.isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            ) : null}
          </div>
          <FormError message={loadMoreError} />
        </>
      )}
    </>
  );
}
