import { lazy, Suspense } from "react";
import { Redirect, Route, Switch, useSearch } from "wouter";
import { AppShell } from "./components/app-shell";
import { RequireAuth } from "./components/require-auth";
import { ApiKeysPage } from "./pages/api-keys";
import { HomePage } from "./pages/home";
import { InvitePage } from "./pages/invite";
import { MembersPage } from "./pages/members";
import { NewOrgPage } from "./pages/new-org";
import { NotFoundPage } from "./pages/not-found";
import { PrivacyPage } from "./pages/privacy";
import { RetentionPage } from "./pages/retention";
import { SignInPage } from "./pages/sign-in";
import { SignUpPage } from "./pages/sign-up";
import { TenantsPage } from "./pages/tenants";
import { Spinner } from "./components/states";
import { lazyPage } from "./lib/lazy-page";
import { isLogView, lastLogView } from "./lib/log-views";

// The log views are the heaviest pages: loaded when first opened — right away, while the session
// is being checked, when the app starts on one.
const { Page: LogViewPage, preload: loadLogViewPage } = lazyPage(() => import("./pages/logs/log-view-page"));
if (/^\/o\/[^/]+\/(logs|activity)/.test(window.location.pathname)) void loadLogViewPage();
const UsagePage = lazy(() => import("./pages/usage/usage-page"));
// Not on the first page's path: its forms (and zod) load when it is opened.
const ExportsPage = lazy(() => import("./pages/exports").then((m) => ({ default: m.ExportsPage })));
const ClassificationPage = lazy(() => import("./pages/classification").then((m) => ({ default: m.ClassificationPage })));

/** Routes: the URL is the state. Everything but sign-in, sign-up and invitations needs a session. */
export function App() {
  return (
    <Switch>
      <Route path="/sign-in" component={SignInPage} />
      <Route path="/sign-up" component={SignUpPage} />
      <Route path="/invite/:invitationId" component={InvitePage} />
      <Route>
        <RequireAuth>
          <Switch>
            <Route path="/" component={HomePage} />
            <Route path="/orgs/new" component={NewOrgPage} />
            <Route path="/platform/tenants">
              <AppShell>
                <TenantsPage />
              </AppShell>
            </Route>
            <Route path="/o/:orgId" nest>
              {(params) => (
                <AppShell orgId={params.orgId}>
                  <Switch>
                    <Route path="/">{() => <Redirect to={`~/o/${params.orgId}/logs/${lastLogView()}`} replace />}</Route>
                    <Route path="/activity">{() => <LegacyActivityRedirect orgId={params.orgId} />}</Route>
                    <Route path="/logs">{() => <Redirect to={`~/o/${params.orgId}/logs/${lastLogView()}`} replace />}</Route>
                    <Route path="/logs/:view">
                      {({ view }) =>
                        isLogView(view) ? (
                          <Suspense fallback={<Spinner label="Loading…" />}>
                            <LogViewPage key={view} orgId={params.orgId} view={view} />
                          </Suspense>
                        ) : (
                          <NotFoundPage />
                        )
                      }
                    </Route>
                    <Route path="/members">{() => <MembersPage orgId={params.orgId} />}</Route>
                    <Route path="/api-keys">{() => <ApiKeysPage orgId={params.orgId} />}</Route>
                    <Route path="/exports">
                      {() => (
                        <Suspense fallback={<Spinner label="Loading…" />}>
                          <ExportsPage orgId={params.orgId} />
                        </Suspense>
                      )}
                    </Route>
                    <Route path="/privacy">{() => <PrivacyPage orgId={params.orgId} />}</Route>
                    <Route path="/retention">{() => <RetentionPage orgId={params.orgId} />}</Route>
                    <Route path="/classification">
                      {() => (
                        <Suspense fallback={<Spinner label="Loading…" />}>
                          <ClassificationPage orgId={params.orgId} />
                        </Suspense>
                      )}
                    </Route>
                    <Route path="/usage">
                      {() => (
                        <Suspense fallback={<Spinner label="Loading…" />}>
                          <UsagePage orgId={params.orgId} />
                        </Suspense>
                      )}
                    </Route>
                    <Route component={NotFoundPage} />
                  </Switch>
                </AppShell>
              )}
            </Route>
            <Route component={NotFoundPage} />
          </Switch>
        </RequireAuth>
      </Route>
    </Switch>
  );
}

/** The former activity page: old links open the user-activity view (with their query). */
function LegacyActivityRedirect({ orgId }: { orgId: string }) {
  const search = useSearch();
  return <Redirect to={`~/o/${orgId}/logs/user-activity${search ? `?${search}` : ""}`} replace />;
}
