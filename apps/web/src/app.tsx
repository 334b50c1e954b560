import { Redirect, Route, Switch } from "wouter";
import { AppShell } from "./components/app-shell";
import { RequireAuth } from "./components/require-auth";
import { ActivityPage } from "./pages/activity";
import { ApiKeysPage } from "./pages/api-keys";
import { HomePage } from "./pages/home";
import { InvitePage } from "./pages/invite";
import { MembersPage } from "./pages/members";
import { NewOrgPage } from "./pages/new-org";
import { NotFoundPage } from "./pages/not-found";
import { PrivacyPage } from "./pages/privacy";
import { SignInPage } from "./pages/sign-in";
import { SignUpPage } from "./pages/sign-up";
import { TenantsPage } from "./pages/tenants";

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
                    <Route path="/">{() => <RedirectToActivity orgId={params.orgId} />}</Route>
                    <Route path="/activity">{() => <ActivityPage orgId={params.orgId} />}</Route>
                    <Route path="/members">{() => <MembersPage orgId={params.orgId} />}</Route>
                    <Route path="/api-keys">{() => <ApiKeysPage orgId={params.orgId} />}</Route>
                    <Route path="/privacy">{() => <PrivacyPage orgId={params.orgId} />}</Route>
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

function RedirectToActivity({ orgId }: { orgId: string }) {
  return <Redirect to={`~/o/${orgId}/activity`} replace />;
}
