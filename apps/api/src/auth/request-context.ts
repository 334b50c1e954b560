import { AsyncLocalStorage } from "node:async_hooks";

/** Who is calling an auth endpoint, for the audit trail written from better-auth's hooks. */
export interface AuthRequestContext {
  actor: { id: string; email: string; name: string } | null;
  ip: string | null;
}

export const authRequestContext = new AsyncLocalStorage<AuthRequestContext>();
