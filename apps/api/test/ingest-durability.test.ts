import { randomUUID } from "node:crypto";
import { createDb } from "@logbook/db/client";
import { createApiKey } from "@logbook/db/queries/api-keys";
import { setTenantPlan } from "@logbook/db/queries/tenant-settings";
import type { EventInput } from "@logbook/shared/events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { STORE_CHUNK } from "../src/ingest/ingest-events";
import { type ApiProcess, startApiProcess } from "./api-process";

const CLIENTS = 4;
/**
 * Events per batch: odd clients send bodies over INLINE_BELOW_BYTES, which the API prepares on its
 * ingest thread, so a kill also lands while bodies are on that thread.
 */
const batchSize = (client: number) => (client % 2 === 0 ? 100 : 600);
/** Each client stops starting new batches after this many, or after SEND_WINDOW_MS. */
const MAX_BATCHES = 40;
const SEND_WINDOW_MS = 15_000;
/** No retry after this (from the start of the load): the test fails on batches still unacknowledged. */
const RETRY_DEADLINE_MS = 28_000;

type Outcome = { index: number; status: "accepted" | "duplicate" | "rejected"; id?: string; client_id: string | null };
type Phase = "before-kill" | "down" | "after-restart";

interface Batch {
  client: number;
  events: EventInput[];
  attempts: number;
  connectionErrors: number;
  firstSentIn: Phase;
  ack?: { status: number; results: Outcome[]; phase: Phase };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mixed kinds; a third of the interactions carry content, half carry labels. Ids are unique per run. */
function makeEvents(runId: string, client: number, n: number): EventInput[] {
  const now = new Date().toISOString();
  return Array.from({ length: batchSize(client) }, (_, i): EventInput => {
    const id = `${runId}-c${client}-b${n}-e${i}`;
    const metadata = { client, batch: n, index: i, region: "eu-west-1", build: "2026.11.3" };
    if (i % 4 === 0) {
      return {
        kind: "user_activity",
        id,
        type: "report.viewed",
        occurred_at: now,
        actor: { id: `u${i}`, type: "user" },
        metadata,
      };
    }
    if (i % 4 !== 3) return { kind: "system", id, type: "sync.job.finished", occurred_at: now, status: "ok", metadata };
    const withContent = i % 12 === 3;
    return {
      kind: "interaction",
      id,
      type: "assistant.answered",
      occurred_at: now,
      model: "gpt-test",
      input_tokens: 120 + i,
      output_tokens: 40,
      ...(i % 8 === 3 ? { intent: "how_to" as const, response_type: "rag_answer" as const } : {}),
      ...(withContent ? { question: `How do I export? (${id})`, answer: `Use the export button. (${id})` } : {}),
      metadata,
    };
  });
}

/**
 * The real API process is SIGKILLed while 4 clients load it; they retry what was not acknowledged
 * (same client ids) against the restarted process. Every acknowledged event must be stored exactly
 * once, under the id its acknowledgement named.
 */
describe("ingest durability: the API process killed mid-load", () => {
  const runId = randomUUID().slice(0, 8);
  const tenantId = `durability-${runId}`;
  const handle = createDb(inject("databaseUrl"), { max: 2, application: "logbook-durability-test" });
  const processes: ApiProcess[] = [];
  let env: Record<string, string>;
  let apiKey: string;

  beforeAll(async () => {
    apiKey = (await createApiKey(handle.db, { tenantId, name: "durability load" })).key;
    await setTenantPlan(handle.db, { tenantId, plan: "enterprise" });
    env = {
      DATABASE_URL: inject("databaseUrl"),
      REDIS_URL: inject("redisUrl"),
      LOGBOOK_QUEUE_PREFIX: inject("queuePrefix"),
      LOGBOOK_DEMO: "false",
      NODE_ENV: "development",
      BETTER_AUTH_SECRET: "durability-secret-durability-secret-0123",
    };
    processes.push(await startApiProcess(env));
  });
  afterAll(async () => {
    for (const p of processes) await p.kill();
    await handle.close();
  });

  it("stores every acknowledged event exactly once, under the acknowledged id", { timeout: 40_000 }, async () => {
    let api = processes[0]!;
    let phase: Phase = "before-kill";
    const inFlight = new Set<Batch>();
    const batches: Batch[] = [];
    const httpErrors: string[] = [];
    const start = Date.now();

    /** One attempt; true when the API answered 2xx (the batch is acknowledged). */
    async function attempt(batch: Batch): Promise<boolean> {
      batch.attempts++;
      inFlight.add(batch);
      try {
        const res = await fetch(`${api.url}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ events: batch.events }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.status < 200 || res.status > 299) {
          httpErrors.push(`${res.status} ${text.slice(0, 300)}`);
          return false;
        }
        batch.ack = { status: res.status, results: (JSON.parse(text) as { results: Outcome[] }).results, phase };
        return true;
      } catch {
        batch.connectionErrors++;
        return false;
      } finally {
        inFlight.delete(batch);
      }
    }

    /** A client as a real one behaves: batch after batch, retrying a batch until it is acknowledged. */
    async function runClient(client: number) {
      for (let n = 0; n < MAX_BATCHES && Date.now() - start < SEND_WINDOW_MS; n++) {
        const batch: Batch = {
          client,
          events: makeEvents(runId, client, n),
          attempts: 0,
          connectionErrors: 0,
          firstSentIn: phase,
        };
        batches.push(batch);
        while (!(await attempt(batch))) {
          if (Date.now() - start > RETRY_DEADLINE_MS) return;
          await sleep(50 + Math.random() * 100);
        }
      }
    }

    const acked = () => batches.filter((b) => b.ack).length;
    const clients = Array.from({ length: CLIENTS }, (_, c) => runClient(c));

    // Kill mid-run: after ~1.2 s with some batches acknowledged (sooner if the API is fast). For up to
    // 1.5 s more, aim for the worst moment: a batch committed whose answer has not reached its client.
    while (!((Date.now() - start >= 1200 && acked() >= CLIENTS) || acked() >= 12 * CLIENTS)) {
      if (Date.now() - start > 10_000) throw new Error(`only ${acked()} batches acknowledged after 10 s`);
      await sleep(5);
    }
    const huntUntil = Date.now() + 1500;
    let aimed = false;
    while (Date.now() < huntUntil) {
      const waiting = [...inFlight].filter((b) => !b.ack).map((b) => b.events[0]!.id!);
      if (waiting.length === 0) {
        await sleep(1);
        continue;
      }
      const committed = await handle.pool.query(
        "SELECT 1 FROM event_client_ids WHERE tenant_id = $1 AND client_id = ANY($2::text[]) LIMIT 1",
        [tenantId, waiting],
      );
      if (committed.rowCount) {
        aimed = true;
        break;
      }
    }
    const ackedBeforeKill = acked();
    const ackedBeforeKillEvents = batches.reduce((n, b) => n + (b.ack ? b.events.length : 0), 0);
    const inFlightAtKill = inFlight.size;
    phase = "down";
    const killedAt = Date.now();
    await api.kill();
    const restarted = await startApiProcess(env);
    processes.push(restarted);
    api = restarted;
    const downMs = Date.now() - killedAt;
    phase = "after-restart";
    await Promise.all(clients);

    // Every batch ends acknowledged, without a single error response (only connection errors).
    expect(httpErrors).toEqual([]);
    expect(batches.filter((b) => !b.ack).map((b) => `client ${b.client}: ${b.events[0]!.id}`)).toEqual([]);
    for (const p of processes) expect(p.output()).not.toMatch(/api error/);
    expect(ackedBeforeKill).toBeGreaterThan(0);
    expect(inFlightAtKill).toBeGreaterThan(0);
    const retried = batches.filter((b) => b.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);

    // What the clients were told: event by event, in request order.
    const sent = new Map<string, EventInput>();
    const acknowledgedId = new Map<string, string>();
    let duplicatesReported = 0;
    for (const batch of batches) {
      const results = batch.ack!.results;
      expect(results).toHaveLength(batch.events.length);
      // One transaction per store chunk (STORE_CHUNK events; a 100-event batch is one): a retry finds
      // all of a chunk stored or none of it, and as chunks commit in order, the chunks found stored
      // come before those stored by the retry.
      const chunkStatuses = Array.from({ length: Math.ceil(results.length / STORE_CHUNK) }, (_, k) => {
        const statuses = new Set(results.slice(k * STORE_CHUNK, (k + 1) * STORE_CHUNK).map((r) => r.status));
        expect(statuses.size, `mixed outcomes in one store chunk: ${[...statuses]}`).toBe(1);
        return results[k * STORE_CHUNK]!.status;
      });
      if (batch.attempts === 1) expect(new Set(chunkStatuses)).toEqual(new Set(["accepted"]));
      else {
        for (const status of chunkStatuses) expect(["accepted", "duplicate"]).toContain(status);
        expect(chunkStatuses).toEqual([...chunkStatuses].sort((a, b) => (a === b ? 0 : a === "duplicate" ? -1 : 1)));
      }
      batch.events.forEach((event, i) => {
        const r = results[i]!;
        expect(r.index).toBe(i);
        expect(r.client_id).toBe(event.id);
        expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(sent.has(event.id!), `client id sent in two batches: ${event.id}`).toBe(false);
        sent.set(event.id!, event);
        acknowledgedId.set(event.id!, r.id!);
        if (r.status === "duplicate") duplicatesReported++;
      });
    }

    // What Postgres holds (superuser: every row, no RLS).
    const pool = handle.pool;
    const dupes = await pool.query(
      "SELECT client_id, count(*)::int AS n FROM events WHERE tenant_id = $1 GROUP BY client_id HAVING count(*) > 1",
      [tenantId],
    );
    expect(dupes.rows).toEqual([]);
    const stored = await pool.query<{ client_id: string | null; id: string; kind: string; has_content: boolean }>(
      "SELECT client_id, id::text AS id, kind, has_content FROM events WHERE tenant_id = $1",
      [tenantId],
    );
    expect(stored.rowCount).toBe(sent.size);
    const storedById = new Map(stored.rows.map((r) => [r.client_id, r]));
    const missing = [...sent.keys()].filter((id) => !storedById.has(id));
    expect(missing.slice(0, 10), `${missing.length} sent events not stored`).toEqual([]);
    const wrongId = [...acknowledgedId].filter(([clientId, id]) => storedById.get(clientId)?.id !== id);
    expect(wrongId.slice(0, 10), `${wrongId.length} acknowledgements name an id that is not the stored one`).toEqual([]);
    const wrongKind = [...sent].filter(([clientId, e]) => storedById.get(clientId)?.kind !== e.kind);
    expect(wrongKind.length).toBe(0);

    const mapping = await pool.query<{ client_id: string; event_id: string }>(
      "SELECT client_id, event_id::text AS event_id FROM event_client_ids WHERE tenant_id = $1",
      [tenantId],
    );
    expect(mapping.rowCount).toBe(sent.size);
    expect(mapping.rows.filter((m) => acknowledgedId.get(m.client_id) !== m.event_id)).toEqual([]);

    // Content: one row per interaction sent with content, holding that event's question and answer.
    const withContent = [...sent.values()].filter((e) => e.kind === "interaction" && (e.question != null || e.answer != null));
    expect(withContent.length).toBeGreaterThan(0);
    const contents = await pool.query<{ client_id: string | null; question: string | null; answer: string | null }>(
      `SELECT e.client_id, c.question, c.answer FROM event_contents c
       LEFT JOIN events e ON e.tenant_id = c.tenant_id AND e.id = c.event_id AND e.occurred_at = c.occurred_at
       WHERE c.tenant_id = $1`,
      [tenantId],
    );
    expect(contents.rowCount).toBe(withContent.length);
    for (const row of contents.rows) {
      const event = sent.get(row.client_id ?? "");
      expect(event?.kind, `content row without its event: ${row.client_id}`).toBe("interaction");
      if (event?.kind !== "interaction") continue;
      expect(row.question).toBe(event.question);
      expect(row.answer).toBe(event.answer);
    }
    const flagged = stored.rows.filter((r) => r.has_content).map((r) => r.client_id);
    expect(flagged.sort()).toEqual(withContent.map((e) => e.id).sort());

    const events = batches.reduce((n, b) => n + b.events.length, 0);
    const connectionErrors = batches.reduce((n, b) => n + b.connectionErrors, 0);
    const afterRestart = batches.filter((b) => b.firstSentIn === "after-restart").length;
    console.log(
      `ingest durability: sent ${events} events in ${batches.length} batches (${CLIENTS} clients); ` +
        `acknowledged before kill ${ackedBeforeKill} batches (${ackedBeforeKillEvents} events); ` +
        `in flight at kill ${inFlightAtKill} (${aimed ? "aimed at a committed, unanswered batch" : "none seen committed"}); retried ${retried.length} batches (${connectionErrors} connection errors); ` +
        `duplicates reported ${duplicatesReported}; new batches after restart ${afterRestart}; ` +
        `stored ${stored.rowCount}; API down ${downMs} ms; total ${Date.now() - start} ms`,
    );
  });
});
