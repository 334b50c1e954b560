import { createHash, createHmac } from "node:crypto";
import { localExportStore } from "@logbook/shared/node/export-store";
import { completeExport, getExport, startExportRun } from "@logbook/db/queries/exports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDownloadToken } from "../src/exports/export-links";
import { auditTrail, BASE_URL, Client, EXPORT_DIR, newUser, ok, SECRET, serverErrors, startApp } from "./helpers";
import { tenantWithKey } from "./ingest-fixtures";

const linkSecret = createHmac("sha256", SECRET).update("logbook-export-links").digest("base64url");
const store = localExportStore(EXPORT_DIR);

interface ExportJson {
  id: string;
  status: string;
  period_from: string;
  period_to: string;
  sha256: string | null;
  size_bytes: number | null;
  filter: Record<string, unknown>;
  columns: string[];
}

describe("exports: REST, tRPC, downloads", () => {
  const ctx = startApp();
  const { app, db } = ctx;
  let a: Awaited<ReturnType<typeof tenantWithKey>>;
  let b: Awaited<ReturnType<typeof tenantWithKey>>;
  let owner: Client;
  let auditor: Client;

  const v1 = (key: string, path: string, init: RequestInit = {}) =>
    app.request(`${BASE_URL}/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers as object) },
    });
  const post = (key: string, body: unknown) => v1(key, "/exports", { method: "POST", body: JSON.stringify(body) });

  /** What the worker does, done here: the file in the store, the export ready. */
  async function makeReady(tenantId: string, id: string, content: string) {
    await startExportRun(db, { tenantId, id });
    const key = `${tenantId}/${id}.csv`;
    const writer = await store.createWriter(key);
    writer.stream.end(content);
    await writer.commit();
    const bytes = Buffer.from(content);
    await completeExport(db, {
      tenantId,
      id,
      rows: 2,
      sizeBytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      fileKey: key,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
  }

  beforeAll(async () => {
    a = await tenantWithKey(app, db, "exports-a", "enterprise");
    b = await tenantWithKey(app, db, "exports-b", "enterprise");
    owner = new Client(app);
    await owner.signIn(a.user.email);
    const aud = await newUser(app, "exports-auditor");
    await ctx.auth.api.addMember({ body: { userId: aud.user.id, organizationId: a.tenantId, role: "auditor" } });
    auditor = aud.client;
  });
  afterAll(async () => {
    expect(serverErrors(ctx.logs)).toEqual([]);
    await ctx.close();
  });

  it("POST /v1/exports takes GET /v1/events' query string, resolves the period and answers 202", async () => {
    const res = await post(a.key, { query: "kind=interaction&period=7d&metadata[plan]=pro", format: "csv", gzip: true });
    expect(res.status).toBe(202);
    const { data } = (await res.json()) as { data: ExportJson };
    expect(data.status).toBe("queued");
    expect(Date.parse(data.period_to) - Date.parse(data.period_from)).toBe(7 * 86_400_000);
    expect(data.filter).toMatchObject({ kind: ["interaction"], metadata: [{ path: ["plan"], op: "eq", value: "pro" }] });
    const trail = await auditTrail(db, a.tenantId, "export.created");
    expect(trail.map((t) => t.target_id)).toContain(data.id);
  });

  it("the OpenAPI document describes the exports endpoints", async () => {
    const doc = (await (await app.request(`${BASE_URL}/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/exports", "/v1/exports/{id}", "/v1/exports/{id}/download", "/v1/exports/{id}/cancel"]),
    );
  });

  it("refuses bad input with 400 naming the parameter, never 500", async () => {
    const cases: [unknown, string][] = [
      [{ format: "xlsx" }, "format"],
      [{ query: "kind=bogus" }, "query.kind"],
      [{ query: "period=7d", filter: { period: "7d" } }, "query"],
      [{ columns: ["id", "nope"] }, "columns.1"],
      [{ columns: [] }, "columns"],
      [{ gzip: "yes" }, "gzip"],
      [{ extra: 1 }, "body"],
    ];
    for (const [body, param] of cases) {
      const res = await post(a.key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param, JSON.stringify(body)).toBe(param);
    }
    const bad = await v1(a.key, "/exports", { method: "POST", body: "{nope" });
    expect(bad.status).toBe(400);
    for (const q of ["status=bogus", "schedule_id=x", "from=yesterday", "limit=0", "what=1"]) {
      expect((await v1(a.key, `/exports?${q}`)).status, q).toBe(400);
    }
    expect((await v1(a.key, "/exports/not-a-uuid/download")).status).toBe(404);
  });

  it("lists by status and period per tenant; downloads stream with Range and a SHA-256 checksum; audited", async () => {
    const created = ((await (await post(a.key, { query: "period=24h" })).json()) as { data: ExportJson }).data;
    const content = 'id,text\r\n1,"a,b"\r\n2,ünï\r\n';
    await makeReady(a.tenantId, created.id, content);

    const listed = (await (await v1(a.key, "/exports?status=ready")).json()) as { data: ExportJson[] };
    const mine = listed.data.find((e) => e.id === created.id);
    expect(mine?.sha256).toBe(createHash("sha256").update(content).digest("hex"));
    expect((await (await v1(a.key, "/exports?status=queued")).json()).data.map((e: ExportJson) => e.id)).not.toContain(
      created.id,
    );
    const lastYear = (await (await v1(a.key, "/exports?to=2020-01-01T00:00:00Z")).json()) as { data: ExportJson[] };
    expect(lastYear.data).toEqual([]);
    expect(((await (await v1(b.key, "/exports")).json()) as { data: ExportJson[] }).data).toEqual([]);
    expect((await v1(b.key, `/exports/${created.id}/download`)).status).toBe(404);

    const whole = await v1(a.key, `/exports/${created.id}/download`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("x-checksum-sha256")).toBe(mine?.sha256);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("content-disposition")).toMatch(/^attachment; filename="logbook-.*\.csv"$/);
    expect(await whole.text()).toBe(content);

    const bytes = Buffer.from(content);
    const part = await v1(a.key, `/exports/${created.id}/download`, { headers: { range: "bytes=5-12" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 5-12/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(5, 13));
    const tail = await v1(a.key, `/exports/${created.id}/download`, { headers: { range: "bytes=-4" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 4));
    const beyond = await v1(a.key, `/exports/${created.id}/download`, { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${bytes.length}`);

    const downloads = await auditTrail(db, a.tenantId, "export.downloaded");
    // The whole download and the range from 0 are not both counted: one entry for the whole file.
    expect(downloads.filter((d) => d.target_id === created.id)).toHaveLength(1);

    const queued = ((await (await post(a.key, {})).json()) as { data: ExportJson }).data;
    const notReady = await v1(a.key, `/exports/${queued.id}/download`);
    expect(notReady.status).toBe(409);
    const cancelled = await v1(a.key, `/exports/${queued.id}/cancel`, { method: "POST" });
    expect(((await cancelled.json()) as { data: ExportJson }).data.status).toBe("cancelled");
  });

  it("browser downloads go through short-lived signed links bound to tenant and export", async () => {
    const created = ok(
      await owner.mutate<{ id: string; contentAccess: string }>("exports.create", {
        orgId: a.tenantId,
        filter: { period: "24h" },
      }),
    );
    expect(created.contentAccess).toBe("full");
    await makeReady(a.tenantId, created.id, "id\r\n1\r\n");
    const link = ok(
      await owner.mutate<{ url: string; expiresAt: string }>("exports.downloadLink", { orgId: a.tenantId, id: created.id }),
    );
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const res = await app.request(`${BASE_URL}${link.url}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("id\r\n1\r\n");
    const trail = await auditTrail(db, a.tenantId, "export.downloaded");
    expect(trail.find((t) => t.target_id === created.id)?.actor_id).toBe(a.user.id);

    const url = new URL(link.url, BASE_URL);
    const token = url.searchParams.get("token") as string;
    const forged = `${token.split(".")[0]}.${"A".repeat(43)}`;
    const other = ok(await owner.mutate<{ id: string }>("exports.create", { orgId: a.tenantId }));
    const expired = signDownloadToken(linkSecret, {
      tenantId: a.tenantId,
      exportId: created.id,
      now: Date.now() - 600_000,
    }).token;
    const foreign = signDownloadToken(linkSecret, { tenantId: b.tenantId, exportId: created.id }).token;
    const refusals: [string, number, string][] = [
      [`/api/exports/${created.id}/download?token=${encodeURIComponent(forged)}`, 403, "link_forged"],
      [`/api/exports/${created.id}/download?token=${encodeURIComponent(expired)}`, 403, "link_expired"],
      [`/api/exports/${other.id}/download?token=${encodeURIComponent(token)}`, 403, "link_wrong_export"],
      [`/api/exports/${created.id}/download?token=garbage`, 403, "link_malformed"],
      [`/api/exports/${created.id}/download`, 403, "missing_token"],
      [`/api/exports/${created.id}/download?token=${encodeURIComponent(foreign)}`, 404, "not_found"],
    ];
    for (const [path, status, code] of refusals) {
      const r = await app.request(`${BASE_URL}${path}`);
      expect(r.status, path).toBe(status);
      expect(((await r.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
  });

  it("auditors export with content redacted and may not download full content", async () => {
    const mine = ok(
      await auditor.mutate<{ contentAccess: string }>("exports.create", { orgId: a.tenantId, columns: ["id", "question"] }),
    );
    expect(mine.contentAccess).toBe("redacted");
    const full = ((await (await post(a.key, { columns: ["id", "question"] })).json()) as { data: ExportJson }).data;
    await makeReady(a.tenantId, full.id, "id,question\r\n");
    const refused = await auditor.mutate("exports.downloadLink", { orgId: a.tenantId, id: full.id });
    expect(refused.error?.code).toBe("FORBIDDEN");
    expect(await getExport(db, { tenantId: b.tenantId, id: full.id })).toBeNull();
  });

  it("schedules: owners manage them (secret shown once), auditors only list; changes are audited", async () => {
    const created = ok(
      await owner.mutate<{ id: string; webhookSecret: string | null; nextRunAt: string }>("exports.schedules.create", {
        orgId: a.tenantId,
        name: "Nightly",
        frequency: "daily",
        timeOfDay: "02:00",
        timeZone: "Europe/Paris",
        webhookUrl: "https://example.test/hook",
      }),
    );
    expect(created.webhookSecret).toMatch(/^whsec_/);
    expect(Date.parse(created.nextRunAt)).toBeGreaterThan(Date.now());
    const listed = ok(
      await auditor.query<{ id: string; webhookSecret: string | null }[]>("exports.schedules.list", { orgId: a.tenantId }),
    );
    expect(listed.find((s) => s.id === created.id)?.webhookSecret).toBeNull();
    const denied = await auditor.mutate("exports.schedules.create", {
      orgId: a.tenantId,
      name: "x",
      frequency: "daily",
      timeOfDay: "02:00",
      timeZone: "UTC",
    });
    expect(denied.error?.code).toBe("FORBIDDEN");
    const badZone = await owner.mutate("exports.schedules.create", {
      orgId: a.tenantId,
      name: "x",
      frequency: "daily",
      timeOfDay: "25:00",
      timeZone: "Mars/Base",
    });
    expect(badZone.error?.code).toBe("BAD_REQUEST");
    expect(badZone.error?.message).toContain("timeZone");
    expect(badZone.error?.message).toContain("timeOfDay");
    ok(await owner.mutate("exports.schedules.update", { orgId: a.tenantId, id: created.id, changes: { enabled: false } }));
    ok(await owner.mutate("exports.schedules.delete", { orgId: a.tenantId, id: created.id }));
    const types = (await auditTrail(db, a.tenantId)).filter((t) => t.target_id === created.id).map((t) => t.type);
    expect(types).toEqual(["export_schedule.created", "export_schedule.updated", "export_schedule.deleted"]);
  });
});
