import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "@logbook/db/client";
import { sql } from "drizzle-orm";
import { inject } from "vitest";
import { createApp } from "../src/app";

export const BASE_URL = "http://logbook.test";
export const PASSWORD = "correct-horse-battery";
export const SECRET = "logbook-test-secret-0123456789-abcdefghijklmnop";

/** Where the in-process app reads export files from (tests write them there as the worker would). */
export const EXPORT_DIR = join(tmpdir(), `logbook-api-exports-${process.pid}`);

export type App = ReturnType<typeof createApp>["app"];
export type Auth = ReturnType<typeof createApp>["auth"];

/** The app in-process on the run's database; `logs` collects what it logs (500s show up there). */
export function startApp(options: { queuePrefix?: string } = {}) {
  const handle = createDb(inject("databaseUrl"), { max: 5, application: "logbook-api-test" });
  const logs: string[] = [];
  const { app, auth, handoff, close } = createApp({
    db: handle.db,
    redisUrl: inject("redisUrl"),
    queuePrefix: options.queuePrefix ?? inject("queuePrefix"),
    baseURL: BASE_URL,
    secret: SECRET,
    trustProxy: true,
    exportDir: EXPORT_DIR,
    log: (l) => logs.push(l),
  });
  return {
    app,
    auth,
    handoff,
    db: handle.db,
    logs,
    close: async () => {
      await close();
      await handle.close();
    },
  };
}

/** Unique per call, so test files sharing one database never collide. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

export interface TrpcResult<T = unknown> {
  status: number;
  /** Raw response body, for "nothing of B in the response" assertions. */
  text: string;
  data?: T;
  error?: { message: string; code?: string; httpStatus?: number; issues?: unknown };
}

/**
 * One browser: carries the cookies the app sets, sends Origin on every request, and claims an
 * address via X-Forwarded-For (in-process requests have no socket).
 */
export class Client {
  readonly cookies = new Map<string, string>();
  user: { id: string; email: string; name: string } | null = null;

  constructor(
    readonly app: App,
    readonly ip = "203.0.113.10",
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("origin", BASE_URL);
    if (this.ip && !headers.has("x-forwarded-for")) headers.set("x-forwarded-for", this.ip);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await this.app.request(`${BASE_URL}${path}`, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  }

  async signUp(email: string, name = email.split("@")[0]!, password = PASSWORD) {
    const res = await this.postJson("/api/auth/sign-up/email", { name, email, password });
    if (res.status !== 200) throw new Error(`sign-up of ${email} failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { user: { id: string; email: string; name: string } };
    this.user = { id: body.user.id, email: body.user.email, name: body.user.name };
    return this.user;
  }

  signIn(email: string, password = PASSWORD): Promise<Response> {
    return this.postJson("/api/auth/sign-in/email", { email, password });
  }

  signOut(): Promise<Response> {
    return this.postJson("/api/auth/sign-out", {});
  }

  get signedIn(): boolean {
    return this.cookies.has("better-auth.session_token");
  }

  async query<T = unknown>(path: string, input?: unknown): Promise<TrpcResult<T>> {
    const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return toResult<T>(await this.request(`/trpc/${path}${qs}`));
  }

  async mutate<T = unknown>(path: string, input?: unknown): Promise<TrpcResult<T>> {
    return toResult<T>(await this.postJson(`/trpc/${path}`, input ?? {}));
  }

  /** Calls `path` as a query or a mutation, as the router declares it. */
  call<T = unknown>(type: "query" | "mutation", path: string, input?: unknown): Promise<TrpcResult<T>> {
    return type === "query" ? this.query<T>(path, input) : this.mutate<T>(path, input);
  }
}

async function toResult<T>(res: Response): Promise<TrpcResult<T>> {
  const text = await res.text();
  let body: {
    result?: { data?: unknown };
    error?: { message: string; data?: { code: string; httpStatus: number; issues?: unknown } };
  } | null;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: res.status, text };
  }
  if (body?.error) {
    return {
      status: res.status,
      text,
      error: {
        message: body.error.message,
        code: body.error.data?.code,
        httpStatus: body.error.data?.httpStatus,
        issues: body.error.data?.issues,
      },
    };
  }
  return { status: res.status, text, data: body?.result?.data as T };
}

/** Unwraps a successful tRPC call, failing loudly with the server's answer otherwise. */
export function ok<T>(r: TrpcResult<T>): T {
  if (r.status !== 200 || r.error) throw new Error(`expected success, got ${r.status}: ${r.text}`);
  return r.data as T;
}

/** A signed-up user (own Client, signed in) who owns a fresh organization. */
export async function ownerWithOrg(app: App, label: string, ip?: string) {
  const client = new Client(app, ip);
  const user = await client.signUp(uniqueEmail(`${label}-owner`), `${label} Owner`);
  const org = ok(
    await client.mutate<{ id: string; name: string; slug: string }>("organizations.create", {
      name: `${label} Org ${randomUUID().slice(0, 6)}`,
    }),
  );
  return { client, user, org };
}

/** A signed-up user with their own Client. */
export async function newUser(app: App, label: string, ip?: string) {
  const client = new Client(app, ip);
  const user = await client.signUp(uniqueEmail(label), label);
  return { client, user };
}

export interface AuditRow {
  tenant_id: string;
  type: string;
  kind: string;
  status: string | null;
  actor_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  ip: string | null;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  metadata: Record<string, unknown> | null;
}

/** A tenant's audit trail read directly in SQL (as the connection's superuser), oldest first. */
export async function auditTrail(db: Db, tenantId: string, type?: string): Promise<AuditRow[]> {
  const result = await db.execute(
    sql`SELECT tenant_id, type, kind, status, actor_id, actor_email, actor_name, ip, target_type, target_id, target_name, metadata
        FROM events WHERE tenant_id = ${tenantId} AND kind = 'user_activity' ${type ? sql`AND type = ${type}` : sql``}
        ORDER BY occurred_at, id`,
  );
  return result.rows as unknown as AuditRow[];
}

/** Audit rows anywhere whose actor email is `email`. */
export async function auditByActorEmail(db: Db, email: string): Promise<AuditRow[]> {
  const result = await db.execute(
    sql`SELECT tenant_id, type, kind, status, actor_id, actor_email, actor_name, ip, target_type, target_id, target_name, metadata
        FROM events WHERE actor_email = ${email} ORDER BY occurred_at, id`,
  );
  return result.rows as unknown as AuditRow[];
}

/** Member id of `userId` in `orgId`. */
export async function memberIdOf(db: Db, orgId: string, userId: string): Promise<string> {
  const result = await db.execute(sql`SELECT id FROM member WHERE organization_id = ${orgId} AND user_id = ${userId}`);
  const row = result.rows[0] as { id: string } | undefined;
  if (!row) throw new Error(`user ${userId} is not a member of ${orgId}`);
  return row.id;
}

/** Lines the app logged for a 500 (onError of Hono or tRPC). */
export function serverErrors(logs: string[]): string[] {
  return logs.filter((l) => l.startsWith("api error") || l.startsWith("trpc error"));
}
