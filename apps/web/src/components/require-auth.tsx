import type { ReactNode } from "react";
import { Redirect, useLocation, useSearch } from "wouter";
import { authClient } from "../lib/auth-client";
import { ErrorState, FullPageSpinner } from "./states";

/** Renders children for a signed-in user; otherwise sends them to /sign-in?next=<this page>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = authClient.useSession();
  const [location] = useLocation();
  const search = useSearch();
  if (session.isPending) return <FullPageSpinner />;
  if (!session.data) {
    if (session.error && session.error.status !== 401) {
      return (
        <div className="full-page">
          <ErrorState message={session.error.message ?? "Could not reach the server."} onRetry={() => session.refetch()} />
        </div>
      );
    }
    const next = location + (search ? `?${search}` : "");
    return <Redirect to={next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
