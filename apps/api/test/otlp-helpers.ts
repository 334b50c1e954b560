import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { setTenantPlan } from "@logbook/db/queries/tenant-settings";
import { sql } from "drizzle-orm";
import { ownerWithOrg, startApp } from "./helpers";

/**
 * The app on a real HTTP port (for the OpenTelemetry SDK's exporters), with a fresh org and API key;
 * the org is on the business plan so that a test's burst of requests stays under its rate limit.
 */
export async function startOtlpServer(label: string) {
  const ctx = startApp();
  const { org, user } = await ownerWithOrg(ctx.app, label);
  await setTenantPlan(ctx.db, { tenantId: org.id, plan: "business" });
  const { key } = await createApiKey(ctx.db, { tenantId: org.id, name: `${label} key` });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: ctx.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...ctx,
    tenantId: org.id,
    ownerId: user.id,
    key,
    baseUrl,
    logsUrl: `${baseUrl}/v1/logs`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ctx.close();
    },
  };
}

export interface StoredRow {
  kind: string;
  type: string;
  client_id: string | null;
  occurred_at: string;
  status: string | null;
  actor_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  target_id: string | null;
  source: string | null;
  trace_id: string | null;
  model: string | null;
  agent: string | null;
  session_id: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  is_error: boolean | null;
  has_content: boolean;
  metadata: Record<string, unknown> | null;
  question: string | null;
  answer: string | null;
}

/** A tenant's stored events with their content, read in SQL, oldest first; `source` narrows to one sender. */
export async function storedEvents(db: ReturnType<typeof startApp>["db"], tenantId: string, source?: string) {
  const result = await db.execute(
    sql`SELECT e.kind, e.type, e.client_id, e.occurred_at, e.status, e.actor_id, e.actor_email, e.actor_name, e.target_id, e.source, e.trace_id,
               e.model, e.agent, e.session_id, e.input_tokens, e.output_tokens, e.is_error, e.has_content, e.metadata,
               c.question, c.answer
        FROM events e
        LEFT JOIN event_contents c ON c.tenant_id = e.tenant_id AND c.event_id = e.id AND c.occurred_at = e.occurred_at
        WHERE e.tenant_id = ${tenantId} ${source ? sql`AND e.source = ${source}` : sql``}
        ORDER BY e.occurred_at, e.id`,
  );
  return result.rows as unknown as StoredRow[];
}
