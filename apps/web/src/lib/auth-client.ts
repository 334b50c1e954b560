import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/** better-auth served by the API at /api/auth/* on the same origin as the UI. */
export const authClient = createAuthClient({
  baseURL: window.location.origin,
  plugins: [organizationClient()],
});
