// `pnpm bench classify`: interactions classified per second by the worker end to end. Seeds unlabelled
// interactions (questions of the labelled dataset, answers, tool calls) over 7 days across 4 tenants,
// hands their ids to the `classification` queue in batches of 1,000 as ingestion does, and times the
// worker (BullMQ, its default concurrency) until every one has intent and response type: read with
// content, classify, one UPDATE per batch with the rollup triggers. Options: --interactions N
// (default 200,000), --concurrency N (default 4, the worker's default).
import { loadDataset } from "../../packages/classifier/src/dataset";
import { CLASSIFICATION_QUEUE, MAX_CLASSIFICATION_BATCH } from "@logbook/shared/jobs/classification";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { sql } from "drizzle-orm";
import { registry } from "../../apps/worker/src/registry";
import { startWorkerRuntime } from "../../apps/worker/src/runtime";
import { arg, benchDatabase } from "./_services";

const TENANTS = 4;
const DAY = 86_400_000;

export async function run() {
  const total = arg("interactions", 200_000);
  const concurrency = arg("concurrency", 4);
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const db = await benchDatabase("classify");
  const prefix = `logbook-bench-classify-${Date.now().toString(36)}`;
  try {
    const now = Date.now();
    await ensurePartitions(db.db, new Date(now - 8 * DAY), new Date(now + DAY));
    const questions = loadDataset().map((e) => e.text);
    const answers = [
      "You can do this under Settings → Connectors: pick the source, enter the credentials and save.",
      "The last three runs of the connector timed out at the source; raising the timeout should help.",
      "A trust flag marks a dataset that its owner vouches for.",
      "Sorry, I couldn't find anything about that.",
      "Here are the steps: open the data product, click Publish, confirm the contract.",
    ];
    const tools = [
      "[]",
      '[{"name":"search_catalog","type":"tool","count":2}]',
      '[{"name":"get_connector_runs","type":"tool","count":1}]',
      '[{"name":"get_data_schema","type":"tool","count":1},{"name":"search_catalog","type":"tool","count":1}]',
    ];

    let started = performance.now();
    // One INSERT … SELECT per tenant: ids are UUIDv7 of occurred_at, content apart, as ingestion stores them.
    for (let t = 0; t < TENANTS; t++) {
      const n = Math.floor(total / TENANTS) + (t < total % TENANTS ? 1 : 0);
      await db.db.execute(sql`
        WITH q AS MATERIALIZED (
          SELECT (SELECT array_agg(value) FROM json_array_elements_text(${JSON.stringify(questions)}::json)) AS questions,
                 (SELECT array_agg(value) FROM json_array_elements_text(${JSON.stringify(answers)}::json)) AS answers,
                 (SELECT array_agg(value::jsonb) FROM json_array_elements_text(${JSON.stringify(tools)}::json)) AS tools
        ), rows AS MATERIALIZED (
          SELECT i, ${now} - (i::bigint * ${Math.floor((7 * DAY) / n)}) - 1000 AS ms FROM generate_series(1, ${n}) i
        ), ev AS (
          SELECT i, ms, (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(${t}::text || i::text), 1, 3) || '8' || substr(md5(i::text || ${t}::text), 1, 15))::uuid AS id,
                 to_timestamp(ms / 1000.0) AS at
          FROM rows
        ), stored AS (
          INSERT INTO events (tenant_id, id, occurred_at, kind, type, model, is_error, tool_calls, has_content, input_tokens, output_tokens)
          SELECT ${`bench_t${t}`}, id, at, 'interaction', 'ai.interaction', 'gpt-5-mini', i % 50 = 0,
                 (SELECT tools[1 + i % ${tools.length}] FROM q), true, 800, 200
          FROM ev
          RETURNING 1
        )
        INSERT INTO event_contents (tenant_id, event_id, occurred_at, question, answer)
        SELECT ${`bench_t${t}`}, id, at, q.questions[1 + (i * 7919) % ${questions.length}], q.answers[1 + i % ${answers.length}]
        FROM ev, q`);
    }
    await db.db.execute(sql`SELECT logbook_compact_rollups()`);
    await db.db.execute(sql`ANALYZE events`);
    await db.db.execute(sql`ANALYZE event_contents`);
    console.log(`seeded ${total} unlabelled interactions in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const ids = await db.db.execute<{ tenant_id: string; id: string }>(
      sql`SELECT tenant_id, id FROM events WHERE kind = 'interaction' ORDER BY tenant_id, occurred_at DESC`,
    );
    const jobs: { name: string; data: { tenantId: string; eventIds: string[] } }[] = [];
    for (let i = 0; i < ids.rows.length; ) {
      const tenantId = ids.rows[i]!.tenant_id;
      const eventIds: string[] = [];
      while (i < ids.rows.length && ids.rows[i]!.tenant_id === tenantId && eventIds.length < MAX_CLASSIFICATION_BATCH) {
        eventIds.push(ids.rows[i++]!.id);
      }
      jobs.push({ name: "classify-batch", data: { tenantId, eventIds } });
    }

    const runtime = await startWorkerRuntime({
      databaseUrl: (db.pool.options as { connectionString: string }).connectionString,
      redisUrl,
      healthPort: 0,
      concurrency,
      log: () => {},
      prefix,
      registry: registry.filter((d) => d.queue === CLASSIFICATION_QUEUE),
    });
    try {
      started = performance.now();
      const queue = runtime.queues[CLASSIFICATION_QUEUE];
      for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100));
      const enqueuedMs = performance.now() - started;
      let left = total;
      while (left > 0) {
        await new Promise((r) => setTimeout(r, 100));
        const r = await db.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM events WHERE kind = 'interaction' AND (intent IS NULL OR response_type IS NULL)`,
        );
        left = r.rows[0]!.n;
      }
      const seconds = (performance.now() - started) / 1000;
      const perS = Math.round(total / seconds);
      const mix = await db.db.execute<{ intent: string; response_type: string; n: number }>(
        sql`SELECT intent, response_type, count(*)::int AS n FROM events GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 6`,
      );
      console.log(`${jobs.length} jobs of ≤ ${MAX_CLASSIFICATION_BATCH} ids queued in ${(enqueuedMs / 1000).toFixed(2)} s`);
      console.log(`worker (concurrency ${concurrency}): ${total} interactions labelled in ${seconds.toFixed(2)} s = ${perS}/s`);
      console.log(`most frequent labels: ${mix.rows.map((r) => `${r.intent}/${r.response_type} ${r.n}`).join(", ")}`);
      return { interactions_per_s: perS, interactions: total, seconds: Math.round(seconds * 100) / 100, concurrency };
    } finally {
      await runtime.queues[CLASSIFICATION_QUEUE].obliterate({ force: true }).catch(() => {});
      await runtime.stop();
    }
  } finally {
    await db.stopAll();
  }
}
