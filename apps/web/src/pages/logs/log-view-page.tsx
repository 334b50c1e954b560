import { can, contentAccess, isRole } from "@logbook/shared/permissions";
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { EventDetailsPanel } from "../../components/event-details/event-details-panel";
import { ExportButton, exportFilterOf } from "../../components/export-dialog";
import { ColumnFilterButton } from "../../components/log-filters/column-filter";
import { LogToolbar } from "../../components/log-filters/log-toolbar";
import { LogStats } from "../../components/log-stats/log-stats";
import type { LogEvent } from "../../components/log-table/log-cells";
import { type LogColumn, logColumns, viewKind, viewTitle } from "../../components/log-table/log-columns";
import { LogTable, type LogTableHandle } from "../../components/log-table/log-table";
import { PageHeader } from "../../components/page-header";
import { EmptyState, ErrorState, NoAccess, Spinner } from "../../components/states";
import { type LogView, logViewHref, rememberLogView } from "../../lib/log-url";
import { errorMessage, trpcErrorCode, useTRPC } from "../../lib/trpc";
import { useLogUrlState, useVisibleColumns } from "./use-log-state";

const PAGE_SIZE = 100;

/** /o/:orgId/logs/:view — one log view: filters, statistics, a virtualised table, the details panel. */
export function LogViewPage({ orgId, view }: { orgId: string; view: LogView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const role = me.data?.organizations.find((o) => o.id === orgId)?.role;
  const allowed = isRole(role) && can(role, "logs:read");
  const canSearch = isRole(role) && contentAccess(role) === "full";
  useEffect(() => rememberLogView(view), [view]);
  useEffect(() => {
    document.documentElement.classList.add("log-wide");
    return () => document.documentElement.classList.remove("log-wide");
  }, []);

  const { filter, eventId, errors, setFilter, select } = useLogUrlState(orgId, view);
  const columns = logColumns[view];
  const [visible, setVisible] = useVisibleColumns(view, columns);
  const shown = useMemo(() => columns.filter((c) => visible.has(c.id)), [columns, visible]);

  const { order, ...unordered } = filter;
  const base = { ...unordered, orgId, kind: [viewKind[view]] };
  if (!canSearch) delete base.search;
  const list = useInfiniteQuery(
    trpc.events.list.infiniteQueryOptions(
      { ...base, order, limit: PAGE_SIZE },
      {
        enabled: allowed,
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        placeholderData: keepPreviousData,
      },
    ),
  );
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const table = useRef<LogTableHandle>(null);
  const selectedIndex = eventId ? items.findIndex((e) => e.id === eventId) : -1;
  const rowHref = useCallback((event: LogEvent) => logViewHref(orgId, view, filter, event.id), [orgId, view, filter]);
  /** Closes the details; the keyboard focus goes back to the row that was open. */
  const closeDetails = useCallback(() => {
    const id = eventId;
    select(undefined);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`tr[data-event-id="${id}"] a`)?.focus());
  }, [eventId, select]);
  const onSelect = useCallback((event: LogEvent) => select(event.id, { replace: eventId !== undefined }), [select, eventId]);

  // A selected row comes into view (a link that names an event, J/K, Back).
  useEffect(() => {
    if (selectedIndex >= 0) table.current?.scrollToIndex(selectedIndex);
  }, [selectedIndex]);

  // J/K move the selection through the loaded rows, Escape closes the details.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable], [data-log-popover]")) return;
      const key = event.key.toLowerCase();
      if (key === "escape" && eventId) {
        event.preventDefault();
        closeDetails();
        return;
      }
      if (key !== "j" && key !== "k") return;
      if (items.length === 0) return;
      event.preventDefault();
      const next =
        selectedIndex < 0 ? 0 : key === "j" ? Math.min(selectedIndex + 1, items.length - 1) : Math.max(selectedIndex - 1, 0);
      if (key === "j" && selectedIndex >= items.length - 5 && hasNextPage && !isFetchingNextPage) loadMore();
      const chosen = items[next];
      if (!chosen || chosen.id === eventId) return;
      select(chosen.id, { replace: eventId !== undefined });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, selectedIndex, eventId, select, closeDetails, hasNextPage, isFetchingNextPage, loadMore]);

  const { title, description } = viewTitle[view];
  const refresh = () => {
    void queryClient.resetQueries({ queryKey: trpc.events.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.events.stats.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.events.options.pathKey() });
  };
  const header = (
    <PageHeader
      title={title}
      description={description}
      actions={
        allowed ? (
          <>
            {can(role, "exports:create") ? (
              <ExportButton orgId={orgId} filter={exportFilterOf(base)} withContent={contentAccess(role) !== "none"} />
            ) : null}
            <button type="button" className="button" onClick={refresh} disabled={list.isFetching}>
              {list.isFetching && !isFetchingNextPage ? "Loading…" : "Refresh"}
            </button>
          </>
        ) : null
      }
    />
  );

  if (!allowed || trpcErrorCode(list.error) === "FORBIDDEN") {
    return (
      <div className="log-page">
        {header}
        <NoAccess what="read this organization's logs" userRole={role} />
      </div>
    );
  }

  const headerCell = (column: LogColumn) => (
    <span className="log-th">
      {column.id === "time" ? (
        <button
          type="button"
          className="log-sort"
          aria-label={order === "asc" ? "Time, oldest first: sort newest first" : "Time, newest first: sort oldest first"}
          onClick={() => setFilter({ ...filter, order: order === "asc" ? "desc" : "asc" })}
        >
          Time <span aria-hidden="true">{order === "asc" ? "↑" : "↓"}</span>
        </button>
      ) : (
        <span className="log-th-label" title={column.label}>
          {column.label}
        </span>
      )}
      <ColumnFilterButton column={column} filter={filter} optionsInput={base} onChange={setFilter} />
    </span>
  );

  return (
    <div className={eventId ? "log-page with-details" : "log-page"} data-view={view}>
      {header}
      {errors.length > 0 ? (
        <p className="notice" role="status">
          Ignored in the link: {errors.map((e) => `${e.param} (${e.message})`).join("; ")}
        </p>
      ) : null}
      <LogToolbar
        filter={filter}
        columns={columns}
        visible={visible}
        onChange={setFilter}
        onColumnsChange={setVisible}
        canSearch={canSearch}
        search={view === "interactions" ? "content" : view === "user-activity" ? "actor" : "none"}
      />
      <LogStats input={base} requestsLabel={view === "interactions" ? "Requests" : "Events"} tokens={view === "interactions"} />
      <div className="log-body">
        <div className="log-main" aria-busy={list.isFetching}>
          {list.isPending ? (
            <Spinner label="Loading events…" />
          ) : list.isError && items.length === 0 ? (
            <ErrorState message={errorMessage(list.error)} onRetry={() => list.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState title="No events match">
              Nothing in this period with these filters. Try a longer period or remove a filter.
            </EmptyState>
          ) : (
            <LogTable
              handle={table}
              resetKey={JSON.stringify([base, order])}
              timeSort={order === "asc" ? "ascending" : "descending"}
              items={items}
              columns={shown}
              header={headerCell}
              selectedId={eventId}
              rowHref={rowHref}
              onSelect={onSelect}
              hasNextPage={hasNextPage}
              isFetchingNextPage={isFetchingNextPage}
              fetchNextPage={loadMore}
              footer={
                <>
                  <span className="muted" data-testid="loaded-count">
                    {items.length.toLocaleString("en")} event{items.length === 1 ? "" : "s"} loaded
                    {list.isPlaceholderData ? " · updating…" : ""}
                  </span>
                  {isFetchingNextPage ? (
                    <span className="muted">Loading more…</span>
                  ) : list.isFetchNextPageError ? (
                    <button type="button" className="button small" onClick={loadMore}>
                      Could not load more — retry
                    </button>
                  ) : hasNextPage ? (
                    <button type="button" className="button small" onClick={loadMore}>
                      Load more
                    </button>
                  ) : (
                    <span className="muted">End of list</span>
                  )}
                </>
              }
            />
          )}
          <p className="muted small log-hint">
            <kbd>J</kbd>/<kbd>K</kbd> next/previous event · <kbd>Esc</kbd> closes the details
          </p>
        </div>
        {eventId ? <EventDetailsPanel orgId={orgId} eventId={eventId} onClose={closeDetails} /> : null}
      </div>
    </div>
  );
}

export default LogViewPage;
