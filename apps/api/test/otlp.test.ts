import { randomUUID } from "node:crypto";
import { context, DiagLogLevel, diag, SeverityNumber, trace } from "@opentelemetry/api";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, type LogRecordExporter, LoggerProvider } from "@opentelemetry/sdk-logs";
import { savePrivacySettings } from "@logbook/db/queries/tenant-settings";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverErrors } from "./helpers";
import { startOtlpServer, storedEvents } from "./otlp-helpers";

let ctx: Awaited<ReturnType<typeof startOtlpServer>>;
const warnings: string[] = [];

beforeAll(async () => {
  ctx = await startOtlpServer("otlp-sdk");
  const record = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  diag.setLogger({ error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
});

afterAll(async () => {
  diag.disable();
  await ctx?.close();
});

/** A logger provider batching records to `exporter` (sent on forceFlush), recording each export's result. */
function sdk(exporter: LogRecordExporter, service: string) {
  const results: { code: number; error?: Error }[] = [];
  const recording: LogRecordExporter = {
    export: (logs, done) =>
      exporter.export(logs, (result) => {
        results.push(result);
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": service, "deployment.environment.name": "test" }),
    processors: [new BatchLogRecordProcessor({ exporter: recording, scheduledDelayMillis: 60_000 })],
  });
  return { provider, logger: provider.getLogger("logbook-otlp-test", "1.2.3"), results };
}

const spanContext = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };

describe("OTLP/HTTP logs from the OpenTelemetry JS SDK", () => {
  it("JSON exporter: GenAI records become interactions, plain logs system events", async () => {
    const service = `support-bot-${randomUUID().slice(0, 6)}`;
    const exporter = new JsonExporter({ url: ctx.logsUrl, headers: { Authorization: `Bearer ${ctx.key}` } });
    const { provider, logger, results } = sdk(exporter, service);
    const clientId = `otel-${randomUUID()}`;
    logger.emit({
      eventName: "gen_ai.client.inference.operation.details",
      severityNumber: SeverityNumber.INFO,
      severityText: "INFO",
      context: trace.setSpanContext(context.active(), spanContext),
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-5-mini",
        "gen_ai.response.model": "gpt-5-mini-2026-01-01",
        "gen_ai.usage.input_tokens": 812,
        "gen_ai.usage.output_tokens": 240,
        "gen_ai.agent.name": "helpdesk",
        "gen_ai.conversation.id": "conv-1",
        "gen_ai.input.messages": [
          { role: "system", parts: [{ type: "text", content: "Be brief." }] },
          { role: "user", parts: [{ type: "text", content: "What is a trust flag?" }] },
        ],
        "gen_ai.output.messages": [
          {
            role: "assistant",
            parts: [{ type: "text", content: "A trust flag marks a verified source." }],
            finish_reason: "stop",
          },
        ],
        "enduser.id": "u_42",
        "user.email": "ann@acme.example",
        "logbook.id": clientId,
        "app.feature": "faq",
      },
    });
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: "disk almost full",
      attributes: { free_bytes: 1024 },
    });
    logger.emit({ eventName: "sync.dbt.finished", body: { models: 12 }, attributes: { "logbook.status": "ok" } });
    await provider.forceFlush();
    await provider.shutdown();

    expect(results.map((r) => r.code)).toEqual([0]);
    const rows = await storedEvents(ctx.db, ctx.tenantId, service);
    expect(rows).toHaveLength(3);
    // Records emitted in the same millisecond share occurred_at: pick them by type, not by order.
    const byType = (type: string) => rows.find((r) => r.type === type);
    const [ai, disk, sync] = [
      byType("gen_ai.client.inference.operation.details"),
      byType("otel.log"),
      byType("sync.dbt.finished"),
    ];
    expect(ai).toMatchObject({
      kind: "interaction",
      type: "gen_ai.client.inference.operation.details",
      client_id: clientId,
      source: service,
      trace_id: spanContext.traceId,
      model: "gpt-5-mini-2026-01-01",
      agent: "helpdesk",
      session_id: "conv-1",
      input_tokens: 812,
      output_tokens: 240,
      is_error: null,
      actor_id: "u_42",
      actor_email: "ann@acme.example",
      has_content: true,
      question: "What is a trust flag?",
      answer: "A trust flag marks a verified source.",
    });
    expect(ai!.metadata).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-5-mini",
      "app.feature": "faq",
      "service.name": service,
      "deployment.environment.name": "test",
      severity: "INFO",
      severity_number: 9,
      span_id: spanContext.spanId,
      "otel.scope.name": "logbook-otlp-test",
      "otel.scope.version": "1.2.3",
    });
    // Content is kept apart: not copied into metadata.
    expect(JSON.stringify(ai!.metadata)).not.toContain("trust flag");
    expect(ai!.metadata).not.toHaveProperty("gen_ai.input.messages");

    expect(disk).toMatchObject({ kind: "system", type: "otel.log", source: service, trace_id: null, has_content: false });
    expect(disk!.metadata).toMatchObject({ body: "disk almost full", severity: "WARN", severity_number: 13, free_bytes: 1024 });
    expect(sync).toMatchObject({ kind: "system", type: "sync.dbt.finished", status: "ok" });
    expect(sync!.metadata).toMatchObject({ body: { models: 12 } });
    expect(Math.abs(Date.parse(sync!.occurred_at) - Date.now())).toBeLessThan(60_000);

    // The exporter retrying the same record (same logbook.id) does not store it twice.
    const again = sdk(new JsonExporter({ url: ctx.logsUrl, headers: { "X-API-Key": ctx.key } }), service);
    again.logger.emit({ eventName: "gen_ai.choice", attributes: { "gen_ai.request.model": "m", "logbook.id": clientId } });
    await again.provider.forceFlush();
    expect(again.results.map((r) => r.code)).toEqual([0]);
    expect(await storedEvents(ctx.db, ctx.tenantId, service)).toHaveLength(3);
    expect(serverErrors(ctx.logs)).toEqual([]);
  });

  it("the tenant's privacy settings redact OTLP records before they are stored", async () => {
    await savePrivacySettings(ctx.db, {
      tenantId: ctx.tenantId,
      updatedBy: ctx.ownerId,
      privacy: { redactEmails: true, redactPhones: true },
    });
    try {
      const service = `redacted-bot-${randomUUID().slice(0, 6)}`;
      const { provider, logger, results } = sdk(
        new JsonExporter({ url: ctx.logsUrl, headers: { Authorization: `Bearer ${ctx.key}` } }),
        service,
      );
      logger.emit({
        eventName: "gen_ai.client.inference.operation.details",
        attributes: {
          "gen_ai.request.model": "gpt-5-mini",
          "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "Mail eve@example.net please" }] }],
          "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Call +1 415 555 0100" }] }],
          "app.contact": "bob@example.org",
        },
      });
      logger.emit({ body: "plain log", attributes: { note: "nothing personal" } });
      await provider.forceFlush();
      await provider.shutdown();
      expect(results.map((r) => r.code)).toEqual([0]);
      const rows = await storedEvents(ctx.db, ctx.tenantId, service);
      const ai = rows.find((r) => r.kind === "interaction");
      expect(ai).toMatchObject({ question: "Mail [email] please", answer: "Call [phone]" });
      expect(ai!.metadata).toMatchObject({ "app.contact": "[email]" });
      const flags = await ctx.db.execute(
        sql`SELECT kind, redacted FROM events WHERE tenant_id = ${ctx.tenantId} AND source = ${service} ORDER BY kind`,
      );
      expect(flags.rows).toEqual([
        { kind: "interaction", redacted: true },
        { kind: "system", redacted: false },
      ]);
    } finally {
      await savePrivacySettings(ctx.db, { tenantId: ctx.tenantId, updatedBy: ctx.ownerId, privacy: {} });
    }
  });

  it("protobuf exporter: event-style GenAI content, errors, and a partial success", async () => {
    const service = `agent-svc-${randomUUID().slice(0, 6)}`;
    const exporter = new ProtoExporter({ url: ctx.logsUrl, headers: { Authorization: `Bearer ${ctx.key}` } });
    const { provider, logger, results } = sdk(exporter, service);
    logger.emit({
      eventName: "gen_ai.user.message",
      body: { content: "How do I reset my password?" },
      attributes: {
        "gen_ai.system": "anthropic",
        "gen_ai.request.model": "claude-sonnet",
        "gen_ai.usage.input_tokens": 31,
        "gen_ai.conversation.id": "conv-2",
        "error.type": "timeout",
        "user.id": "u_7",
        ratio: 0.25,
        tags: ["a", "b"],
        big: Number.MAX_SAFE_INTEGER,
      },
    });
    logger.emit({
      eventName: "Deploy Finished!",
      severityNumber: SeverityNumber.ERROR,
      body: "deploy failed",
      attributes: { "logbook.kind": "system" },
    });
    const twoYearsAgo = Date.now() - 2 * 365 * 86_400_000;
    logger.emit({ timestamp: twoYearsAgo, body: "ancient", attributes: { "gen_ai.request.model": "m" } });
    await provider.forceFlush();
    await provider.shutdown();

    expect(results.map((r) => r.code)).toEqual([0]);
    const partial = warnings.find((w) => w.includes("Partial Success"));
    expect(partial).toBeDefined();
    expect(partial).toContain('"rejectedLogRecords":1');
    expect(partial).toContain("occurred_at is more than 400 days in the past");

    const rows = await storedEvents(ctx.db, ctx.tenantId, service);
    expect(rows).toHaveLength(2);
    const question = rows.find((r) => r.kind === "interaction");
    const deploy = rows.find((r) => r.kind === "system");
    expect(question).toMatchObject({
      kind: "interaction",
      type: "gen_ai.user.message",
      model: "claude-sonnet",
      input_tokens: 31,
      session_id: "conv-2",
      is_error: true,
      actor_id: "u_7",
      question: "How do I reset my password?",
      answer: null,
    });
    expect(question!.metadata).toMatchObject({
      "gen_ai.system": "anthropic",
      "error.type": "timeout",
      ratio: 0.25,
      tags: ["a", "b"],
      big: Number.MAX_SAFE_INTEGER,
      "service.name": service,
    });
    expect(question!.metadata).not.toHaveProperty("body");
    expect(deploy).toMatchObject({ kind: "system", type: "deploy_finished_", is_error: null });
    expect(deploy!.metadata).toMatchObject({ body: "deploy failed", "event.name": "Deploy Finished!", severity_number: 17 });
    expect(serverErrors(ctx.logs)).toEqual([]);
  });
});
