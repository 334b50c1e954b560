import type { ApiKeyVars } from "./api-key-auth";

/** What a public API route finds on its context: the API key and its tenant's settings (apiKeyAuth). */
export type SettingsVars = ApiKeyVars;
