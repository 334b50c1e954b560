import type { ReactNode } from "react";
import { errorMessage, trpcErrorCode } from "../lib/trpc";
import { ErrorState, NoAccess, Spinner } from "./states";

interface QueryLike {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * The states of a page's main query, under its header: loading, no access (FORBIDDEN), or an error
 * with a retry. Returns null once the data is there, so the page renders its content.
 */
export function queryState(
  query: QueryLike,
  options: { header: ReactNode; loading: string; noAccess: string; userRole?: string | null },
): ReactNode | null {
  if (!query.isPending && !query.isError) return null;
  return (
    <>
      {options.header}
      {query.isPending ? (
        <Spinner label={options.loading} />
      ) : trpcErrorCode(query.error) === "FORBIDDEN" ? (
        <NoAccess what={options.noAccess} userRole={options.userRole ?? null} />
      ) : (
        <ErrorState message={errorMessage(query.error)} onRetry={() => query.refetch()} />
      )}
    </>
  );
}
