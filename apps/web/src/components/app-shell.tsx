import { can, isRole } from "@logbook/shared/permissions";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { usePathname } from "wouter/use-browser-location";
import { errorMessage, useTRPC } from "../lib/trpc";
import { ErrorState, FullPageSpinner } from "./states";
import { UserMenu } from "./user-menu";

const CREATE = "__create__";

/**
 * The frame of every signed-in page: product name, organization switcher, navigation and user menu.
 * Pages under /o/:orgId render only when the user is a member of that organization.
 */
export function AppShell({ orgId, children }: { orgId?: string; children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const [, navigate] = useLocation();

  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    return (
      <div className="full-page">
        <ErrorState message={errorMessage(me.error)} onRetry={() => me.refetch()} />
      </div>
    );
  }

  const { user, organizations } = me.data;
  const current = organizations.find((o) => o.id === orgId);

  return (
    <div className="shell">
      <header className="topbar">
        <Link href="~/" className="brand" aria-label="Logbook home">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          Logbook
        </Link>
        <label className="org-switcher">
          <span className="visually-hidden">Organization</span>
          <select
            aria-label="Organization"
            value={current?.id ?? ""}
            onChange={(e) => {
              const value = e.target.value;
              navigate(value === CREATE ? "~/orgs/new" : `~/o/${value}/`);
            }}
          >
            {current ? null : (
              <option value="" disabled>
                Select an organization
              </option>
            )}
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
            <option value={CREATE}>Create organization…</option>
          </select>
        </label>
        {current ? (
          <nav className="nav" aria-label="Main">
            <NavLink href={`~/o/${current.id}/logs/interactions`}>Interactions</NavLink>
            <NavLink href={`~/o/${current.id}/logs/user-activity`}>User activity</NavLink>
            <NavLink href={`~/o/${current.id}/logs/system`}>System</NavLink>
            {isRole(current.role) && can(current.role, "logs:read") ? (
              <NavLink href={`~/o/${current.id}/usage`}>Usage</NavLink>
            ) : null}
            {isRole(current.role) && can(current.role, "exports:download") ? (
              <NavLink href={`~/o/${current.id}/exports`}>Exports</NavLink>
            ) : null}
            <NavLink href={`~/o/${current.id}/members`}>Members</NavLink>
            {isRole(current.role) && can(current.role, "apiKeys:manage") ? (
              <NavLink href={`~/o/${current.id}/api-keys`}>API keys</NavLink>
            ) : null}
            {isRole(current.role) && can(current.role, "settings:manage") ? (
              <NavLink href={`~/o/${current.id}/privacy`}>Privacy</NavLink>
            ) : null}
            {isRole(current.role) && can(current.role, "settings:manage") ? (
              <NavLink href={`~/o/${current.id}/classification`}>Classification</NavLink>
            ) : null}
            {isRole(current.role) && can(current.role, "retention:read") ? (
              <NavLink href={`~/o/${current.id}/retention`}>Retention</NavLink>
            ) : null}
          </nav>
        ) : (
          <nav className="nav" aria-label="Main" />
        )}
        <div className="topbar-end">
          {user.platformRole === "operator" ? <NavLink href="~/platform/tenants">Tenants</NavLink> : null}
          <UserMenu name={user.name} email={user.email} />
        </div>
      </header>
      <main className="content">
        {orgId && !current ? (
          <div className="panel empty">
            <p className="empty-title">Organization not available</p>
            <p className="muted">
              It does not exist or you are not a member of it. <Link href="~/">Go to your workspace</Link>
            </p>
          </div>
        ) : (
          children
        )}
      </main>
    </div>
  );
}

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  // Links are absolute ("~/…"): compare with the browser path, not the one of a nested route.
  const active = usePathname() === href.slice(1);
  return (
    <Link href={href} className={active ? "nav-link active" : "nav-link"} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}
