import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { ownerWithOrg, serverErrors } from "./helpers";
import { startOtlpServer, storedEvents } from "./otlp-helpers";

let ctx: Awaited<ReturnType<typeof startOtlpServer>>;

beforeAll(async () => {
  ctx = await startOtlpServer("otlp-payloads");
});

afterAll(async () => {
  expect(serverErrors(ctx.logs)).toEqual([]);
  await ctx?.close();
});

function post(body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(ctx.logsUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.key}`, "content-type": "application/json", ...headers },
    body,
  });
}

const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const str = (value: string) => ({ stringValue: value });

/** An ExportLogsServiceRequest with one resource (service.name) and one scope. */
function request(service: string, logRecords: unknown[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: str(service) }] },
        scopeLogs: [{ scope: { name: "hand-built" }, logRecords }],
      },
    ],
  };
}

describe("POST /v1/logs with hand-built OTLP payloads", () => {
  it("refuses missing and unknown keys, accepts X-API-Key, answers {} to an empty request", async () => {
    const missing = await fetch(ctx.logsUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(missing.status).toBe(401);
    const wrong = await post("{}", { authorization: "Bearer lb_not_a_real_key_000000000000000000000000" });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
    const ok = await fetch(ctx.logsUrl, {
      method: "POST",
      headers: { "x-api-key": ctx.key, "content-type": "application/json" },
      body: "{}",
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
  });

  it("answers 400 with a clear message to malformed payloads", async () => {
    const bad = await post('{"resourceLogs": [');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("malformed_otlp");
    expect(body.error.message).toMatch(/Malformed JSON/);

    const shape = await post(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: {} }] }] }));
    expect(shape.status).toBe(400);
    expect(((await shape.json()) as { error: { message: string } }).error.message).toContain(
      "resourceLogs[0].scopeLogs[0].logRecords must be an array",
    );
    const time = await post(JSON.stringify(request("x", [{ timeUnixNano: "soon" }])));
    expect(time.status).toBe(400);
    expect(((await time.json()) as { error: { message: string } }).error.message).toContain("timeUnixNano must be an integer");

    const proto = await post(new Uint8Array([0x0a, 0x05, 0x01]), { "content-type": "application/x-protobuf" });
    expect(proto.status).toBe(400);
    expect(proto.headers.get("content-type")).toBe("application/x-protobuf");
    const status = Buffer.from(await proto.arrayBuffer());
    expect(status[0]).toBe(0x08); // google.rpc.Status.code
    expect(status[1]).toBe(3); // INVALID_ARGUMENT
    expect(status.toString("utf8")).toContain("truncated");
  });

  it("refuses other content types and encodings (415) and bodies over the limits (413)", async () => {
    expect((await post("x", { "content-type": "text/plain" })).status).toBe(415);
    expect((await post("{}", { "content-encoding": "br" })).status).toBe(415);
    const huge = JSON.stringify(request("x", [{ body: str("x".repeat(5 * 1024 * 1024)) }]));
    const tooBig = await post(huge);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { message: string } }).error.message).toContain("5 MB");
    const bomb = await post(gzipSync(Buffer.from(huge)), { "content-encoding": "gzip" });
    expect(bomb.status).toBe(413);
    const many = await post(
      JSON.stringify(
        request(
          "x",
          Array.from({ length: 1001 }, () => ({ body: str("hi") })),
        ),
      ),
    );
    expect(many.status).toBe(413);
  });

  it("is rate-limited per plan like the rest of /v1 (429 with Retry-After)", async () => {
    const { org } = await ownerWithOrg(ctx.app, "otlp-free");
    const { key } = await createApiKey(ctx.db, { tenantId: org.id, name: "free plan" });
    const answers = await Promise.all(Array.from({ length: 25 }, () => post("{}", { authorization: `Bearer ${key}` })));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
  });

  it("reports rejected records as a partial success and stores the others", async () => {
    const service = `partial-${randomUUID().slice(0, 6)}`;
    const now = Date.now();
    const res = await post(
      JSON.stringify(
        request(service, [
          { timeUnixNano: nanos(now), attributes: [{ key: "gen_ai.request.model", value: str("m1") }] },
          { timeUnixNano: nanos(now), attributes: [{ key: "logbook.type", value: str("Not A Type!") }] },
          { timeUnixNano: nanos(now - 500 * 86_400_000), body: str("too old") },
        ]),
      ),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedLogRecords).toBe("2");
    expect(body.partialSuccess.errorMessage).toContain("2 of 3 log records rejected");
    expect(body.partialSuccess.errorMessage).toContain("resourceLogs[0].scopeLogs[0].logRecords[1]: type must be dot-separated");
    expect(body.partialSuccess.errorMessage).toContain("logRecords[2]: occurred_at is more than 400 days in the past");
    const rows = await storedEvents(ctx.db, ctx.tenantId, service);
    expect(rows).toMatchObject([{ kind: "interaction", type: "ai.interaction", model: "m1" }]);
  });

  it("maps logbook.* attributes, snake_case fields, int64 strings and gzip bodies", async () => {
    const service = `mapped-${randomUUID().slice(0, 6)}`;
    const at = Date.now() - 3_600_000;
    const payload = {
      resource_logs: [
        {
          resource: { attributes: [{ key: "service.name", value: str(service) }] },
          scope_logs: [
            {
              log_records: [
                {
                  time_unix_nano: nanos(at),
                  severity_text: "INFO",
                  body: { kvlistValue: { values: [{ key: "n", value: { intValue: "9007199254740993" } }] } },
                  trace_id: "5B8EFFF798038103D269B633813FC60C",
                  attributes: [
                    { key: "logbook.kind", value: str("user_activity") },
                    { key: "logbook.type", value: str("test.created") },
                    { key: "logbook.id", value: str(`evt-${service}`) },
                    { key: "logbook.actor.name", value: str("Ann") },
                    { key: "logbook.target.id", value: str("t_1") },
                    { key: "logbook.model", value: str("kept-in-metadata") },
                    { key: "user.email", value: str("ann@acme.example") },
                    { key: "gen_ai.request.model", value: str("not-an-interaction") },
                    { key: "flags", value: { arrayValue: { values: [{ boolValue: true }, { doubleValue: 1.5 }] } } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await post(gzipSync(Buffer.from(JSON.stringify(payload))), { "content-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const [row, ...rest] = await storedEvents(ctx.db, ctx.tenantId, service);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      kind: "user_activity",
      type: "test.created",
      client_id: `evt-${service}`,
      actor_email: "ann@acme.example",
      actor_name: "Ann",
      target_id: "t_1",
      trace_id: "5b8efff798038103d269b633813fc60c",
      model: null,
    });
    expect(Date.parse(row!.occurred_at)).toBe(at);
    expect(row!.metadata).toMatchObject({
      body: { n: "9007199254740993" },
      severity: "INFO",
      "logbook.model": "kept-in-metadata",
      "gen_ai.request.model": "not-an-interaction",
      flags: [true, 1.5],
    });
  });

  it("never answers 500 to odd values: deep nesting, NUL characters, __proto__ keys", async () => {
    let deep: unknown = str("bottom");
    for (let i = 0; i < 40; i++) deep = { arrayValue: { values: [deep] } };
    const tooDeep = await post(JSON.stringify(request("x", [{ body: deep }])));
    expect(tooDeep.status).toBe(400);
    expect(((await tooDeep.json()) as { error: { message: string } }).error.message).toContain("nest deeper");

    const service = `odd-${randomUUID().slice(0, 6)}`;
    const odd = await post(
      JSON.stringify(
        request(service, [
          {
            body: str("nul \u0000 here"),
            severityNumber: 9,
            attributes: [
              { key: "__proto__", value: str("polluted?") },
              { key: "ratio", value: { doubleValue: "NaN" } },
              { key: "blob", value: { bytesValue: "AAEC" } },
              { key: "empty", value: {} },
            ],
          },
        ]),
      ),
    );
    expect(odd.status).toBe(200);
    const rows = await storedEvents(ctx.db, ctx.tenantId, service);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metadata).toMatchObject({ ratio: "NaN", blob: "AAEC", empty: null, body: "nul \uFFFD here" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
