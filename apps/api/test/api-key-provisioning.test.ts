import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDb } from "@logbook/db/client";
import { createApiKey, findApiKey, revokeApiKey } from "@logbook/db/queries/api-keys";
import { getTenantSettings } from "@logbook/db/queries/tenant-settings";
import { startTestServices } from "@logbook/db/testing";
import { EnvError } from "@logbook/shared/env";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadApiEnv } from "../src/env";
import { DEMO_API_KEY } from "../src/provision/demo-workspace";
import { ensureProvisionedApiKey } from "../src/provision/initial-api-key";
import { type ApiProcess, startApiProcess } from "./api-process";
import { auditTrail, ownerWithOrg, serverErrors, startApp } from "./helpers";

const base = { DATABASE_URL: "postgres://x@127.0.0.1/x", REDIS_URL: "redis://127.0.0.1:6379" };
const init = {
  LOGBOOK_INIT_ORG_NAME: "Headless Inc",
  LOGBOOK_INIT_USER_EMAIL: "ops@headless.test",
  LOGBOOK_INIT_USER_PASSWORD: "headless-pass-1",
};
const run = promisify(execFile);
const hasCurl = (() => {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const INIT_KEY = `lb_init_${"a1B2c3D4".repeat(5)}`;

function envProblems(source: Record<string, string>): string[] {
  try {
    loadApiEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe("LOGBOOK_INIT_API_KEY validation", () => {
  it("accepts an lb_ key of 32-200 characters with the three LOGBOOK_INIT_* variables", () => {
    expect(loadApiEnv({ ...base, ...init, LOGBOOK_INIT_API_KEY: INIT_KEY }).LOGBOOK_INIT_API_KEY).toBe(INIT_KEY);
    expect(loadApiEnv({ ...base, ...init, LOGBOOK_INIT_API_KEY: "" }).LOGBOOK_INIT_API_KEY).toBeUndefined();
  });

  it("explains what is wrong with a bad key", () => {
    expect(envProblems({ ...base, ...init, LOGBOOK_INIT_API_KEY: `sk_${"x".repeat(40)}` })).toEqual([
      expect.stringMatching(/^LOGBOOK_INIT_API_KEY is invalid: must start with lb_/),
    ]);
    expect(envProblems({ ...base, ...init, LOGBOOK_INIT_API_KEY: "lb_short" })).toEqual([
      "LOGBOOK_INIT_API_KEY is invalid: must be 32 to 200 characters long",
    ]);
    expect(envProblems({ ...base, ...init, LOGBOOK_INIT_API_KEY: `lb_${"x".repeat(198)}` })).toHaveLength(1);
    expect(envProblems({ ...base, ...init, LOGBOOK_INIT_API_KEY: `lb_${"x".repeat(30)} y` })[0]).toMatch(/spaces/);
  });

  it("requires the three LOGBOOK_INIT_* variables, naming them", () => {
    const [problem, ...rest] = envProblems({ ...base, LOGBOOK_INIT_API_KEY: INIT_KEY });
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^LOGBOOK_INIT_API_KEY is invalid: needs LOGBOOK_INIT_ORG_NAME, LOGBOOK_INIT_USER_EMAIL and LOGBOOK_INIT_USER_PASSWORD/,
    );
  });
});

describe("ensureProvisionedApiKey", () => {
  const ctx = startApp();
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("creates the key once, keeps a revocation, and refuses a key another tenant holds", async () => {
    const [a, b] = await Promise.all([ownerWithOrg(ctx.app, "prov-a"), ownerWithOrg(ctx.app, "prov-b")]);
    const key = `lb_prov_${Date.now().toString(36).padEnd(32, "0")}`;
    const first = await ensureProvisionedApiKey(ctx.db, { tenantId: a.org.id, key, name: "Initial key", createdBy: a.user.id });
    expect(first).toMatchObject({ created: true, status: "valid" });
    expect(await findApiKey(ctx.db, key)).toMatchObject({ status: "valid", tenantId: a.org.id, keyId: first.keyId });
    expect(await ensureProvisionedApiKey(ctx.db, { tenantId: a.org.id, key, name: "Initial key" })).toEqual({
      created: false,
      keyId: first.keyId,
      status: "valid",
    });
    await revokeApiKey(ctx.db, { tenantId: a.org.id, id: first.keyId });
    expect(await ensureProvisionedApiKey(ctx.db, { tenantId: a.org.id, key, name: "Initial key" })).toMatchObject({
      created: false,
      status: "revoked",
    });
    await expect(ensureProvisionedApiKey(ctx.db, { tenantId: b.org.id, key, name: "Initial key" })).rejects.toThrow(
      /already registered for another organization/,
    );
    const created = await auditTrail(ctx.db, a.org.id, "api_key.created");
    expect(created.filter((e) => e.target_id === first.keyId)).toMatchObject([
      { target_name: "Initial key", metadata: { prefix: key.slice(0, 12) } },
    ]);
    // A generated key is never mistaken for a provisioned one.
    const other = await createApiKey(ctx.db, { tenantId: b.org.id, name: "generated" });
    expect(other.key).not.toBe(key);
  });
});

describe("the API process provisions keys on start", () => {
  let services: Awaited<ReturnType<typeof startTestServices>>;
  let api: ApiProcess | null = null;
  const env = () => ({
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    NODE_ENV: "development",
    LOGBOOK_DEMO: "true",
    LOGBOOK_QUEUE_PREFIX: `${inject("queuePrefix")}-prov`,
    ...init,
    LOGBOOK_INIT_API_KEY: INIT_KEY,
  });
  const ingest = (key: string) =>
    fetch(`${api?.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "system", type: "sync.dbt.started", occurred_at: new Date().toISOString() }),
    });

  beforeAll(async () => {
    // Its own database: the demo workspace is one per database.
    services = await startTestServices("apikeys", { DATABASE_URL: inject("databaseUrl"), REDIS_URL: inject("redisUrl") });
  });
  afterAll(async () => {
    await api?.kill();
    await services?.stop();
  });

  it("first start: the init key and the demo key work, the demo is on the business plan and prints its key", async () => {
    api = await startApiProcess(env());
    expect((await ingest(INIT_KEY)).status).toBe(200);
    expect((await ingest(DEMO_API_KEY)).status).toBe(200);
    expect(api.output()).toContain(`LOGBOOK_INIT_API_KEY provisioned (${INIT_KEY.slice(0, 12)}…)`);
    await expect.poll(() => api?.output()).toContain(`Demo API key: ${DEMO_API_KEY}`);
    const handle = createDb(services.databaseUrl, { max: 1 });
    try {
      const demo = await findApiKey(handle.db, DEMO_API_KEY);
      expect(demo.status).toBe("valid");
      if (demo.status === "valid")
        expect((await getTenantSettings(handle.db, { tenantId: demo.tenantId })).plan).toBe("business");
      // A demo workspace seeded before API keys existed: no key.
      await handle.db.execute(sql`DELETE FROM api_keys WHERE prefix = ${DEMO_API_KEY.slice(0, 12)}`);
    } finally {
      await handle.close();
    }
    await api.kill();
    api = null;
  }, 120_000);

  it("next start: keys exist once, the missing demo key is added, and the demo key is printed again", async () => {
    api = await startApiProcess(env());
    expect(api.output()).toContain("LOGBOOK_INIT_API_KEY exists");
    expect(api.output()).toContain("demo API key added to the existing demo workspace");
    await expect.poll(() => api?.output()).toContain(`Demo API key: ${DEMO_API_KEY}`);
    expect((await ingest(DEMO_API_KEY)).status).toBe(200);
    expect((await ingest(INIT_KEY)).status).toBe(200);
    const handle = createDb(services.databaseUrl, { max: 1 });
    try {
      const counts = await handle.db.execute(sql`SELECT name, count(*)::int AS n FROM api_keys GROUP BY name ORDER BY name`);
      expect(counts.rows).toEqual([
        { name: "Demo key", n: 1 },
        { name: "Initial key", n: 1 },
      ]);
    } finally {
      await handle.close();
    }
  }, 120_000);

  it.skipIf(!hasCurl)(
    "the README's curl example works as written against the demo workspace",
    async () => {
      api ??= await startApiProcess(env());
      // The first shell block that posts to /v1/events, run by bash with only the port changed.
      const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../../README.md"), "utf8");
      const example = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
        .map((m) => m[1]!)
        .find((block) => block.includes("curl -s http://localhost:3000/v1/events"));
      expect(example).toBeDefined();
      const script = example!.replaceAll("http://localhost:3000", api!.url);
      const { stdout } = await run("bash", ["-c", script], { encoding: "utf8", timeout: 30_000 });
      const answer = JSON.parse(stdout) as {
        accepted: number;
        results: { status: string; client_id: string | null }[];
      };
      expect(answer.accepted).toBe(2);
      expect(answer.results.map((r) => [r.status, r.client_id])).toEqual([
        ["accepted", "my-evt-1"],
        ["accepted", null],
      ]);
    },
    60_000,
  );
});
