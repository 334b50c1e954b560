import { useCallback, useMemo, useState } from "react";
import { useLocation, useSearch } from "wouter";
import type { LogColumn } from "../../components/log-table/log-columns";
import { type LogFilter, type LogView, logViewHref, parseLogSearch } from "../../lib/log-url";

/**
 * The log view's state, read from and written to the URL: every filter change pushes a history
 * entry (Back undoes it); moving the selection between rows replaces the entry instead.
 */
export function useLogUrlState(orgId: string, view: LogView) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const parsed = useMemo(() => parseLogSearch(search), [search]);
  const { filter, eventId } = parsed;

  const setFilter = useCallback((next: LogFilter) => navigate(`~${logViewHref(orgId, view, next)}`), [navigate, orgId, view]);
  const select = useCallback(
    (id: string | undefined, options: { replace?: boolean } = {}) =>
      navigate(`~${logViewHref(orgId, view, filter, id)}`, { replace: options.replace ?? false }),
    [navigate, orgId, view, filter],
  );
  return { filter, eventId, errors: parsed.errors, setFilter, select };
}

const storageKey = (view: LogView) => `logbook.log-columns.${view}`;

/** Which columns show, per view, kept in localStorage. */
export function useVisibleColumns(view: LogView, columns: LogColumn[]) {
  const defaults = useCallback(() => new Set(columns.filter((c) => !c.hidden).map((c) => c.id)), [columns]);
  const read = useCallback(() => {
    try {
      const stored = JSON.parse(localStorage.getItem(storageKey(view)) ?? "null") as unknown;
      if (Array.isArray(stored)) {
        const known = new Set(columns.map((c) => c.id));
        return new Set(["time", ...stored.filter((id): id is string => typeof id === "string" && known.has(id))]);
      }
    } catch {
      // Unreadable storage: the defaults.
    }
    return defaults();
  }, [view, columns, defaults]);
  const [state, setState] = useState(() => ({ view, visible: read() }));
  const visible = state.view === view ? state.visible : read();
  const setVisible = useCallback(
    (next: Set<string>) => {
      setState({ view, visible: next });
      try {
        localStorage.setItem(storageKey(view), JSON.stringify([...next]));
      } catch {
        // Storage full or disabled: the choice lasts for this page only.
      }
    },
    [view],
  );
  return [visible, setVisible] as const;
}
