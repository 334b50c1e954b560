import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type DbHandle } from "@logbook/db/client";
import { compactRollups } from "@logbook/db/queries/event-rollups";
import { insertEvents, type NewEvent } from "@logbook/db/queries/events";
import { ensurePartitions } from "@logbook/db/queries/partitions";
import { withTenant } from "@logbook/db/tenant";
import { sql } from "drizzle-orm";
import {
  assignTenantPlan,
  listTenantRetention,
  setLegalHold,
  setRetentionOverride,
} from "@logbook/db/queries/retention-settings";
import { localExportStore } from "@logbook/shared/node/export-store";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobContext } from "../src/queue-definition";
import { enforceRetentionProcessor } from "../src/processors/retention/enforce-retention";
import { collectingLog, services } from "./helpers";

const DAY = 86_400_000;
let database: DbHandle;
let context: JobContext;
// The run's `now` is 1,000 days ahead: other test files' workers run retention at the real time on the
// same database, and must find nothing of these tenants expired. Whole seconds, so instants one second
// either side of a cutoff are exact in Postgres (µs) and JS (ms).
const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000 * DAY);
/** The UTC day `daysBefore` days before `now`, YYYY-MM-DD, and its partition suffix. */
const dayBefore = (daysBefore: number) => new Date(now.getTime() - daysBefore * DAY).toISOString().slice(0, 10);
const suffix = (day: string) => day.replaceAll("-", "");
const uid = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const at = (msBeforeNow: number) => new Date(now.getTime() - msBeforeNow).toISOString();

beforeAll(async () => {
  database = createDb(services().databaseUrl, { max: 6 });
  // Only the days the tests write to: every partition more slows other files' queries on this database.
  for (const daysBefore of [0, 1, 3, 7, 14, 30, 60, 90, 100, 200]) {
    await ensurePartitions(
      database.db,
      new Date(now.getTime() - (daysBefore + 1) * DAY),
      new Date(now.getTime() - (daysBefore - 1) * DAY),
    );
  }
  context = {
    db: database.db,
    log: collectingLog(),
    exportStore: localExportStore(await mkdtemp(join(tmpdir(), "logbook-retention-"))),
    enqueue: async () => {},
    jobState: async () => "unknown",
    job: {} as Job,
  };
});
afterAll(() => database?.close());

type RunOptions = NonNullable<Parameters<typeof enforceRetentionProcessor>[3]>;
/** How the runs of a block remove rows from days not dropped whole: batches, or rewriting the day. */
let mode: RunOptions = {};
// Sweeps of the day's pages (whatever share of it goes), or the index alone.
const BATCHES: RunOptions = { rewriteShare: 2, sweepShare: 0 };
const THROUGH_INDEX: RunOptions = { rewriteShare: 2, sweepShare: 2 };
// Every day with whole expired hours is rewritten; a long lock wait, as other files' exports may
// briefly hold the rewrite gate.
const REWRITES: RunOptions = { rewriteShare: 0, rewriteLockWaitMs: 60_000 };
/** The runs of the calling describe block remove rows this way. */
function runsRemoveRows(removal: RunOptions) {
  beforeAll(() => {
    mode = removal;
  });
  afterAll(() => {
    mode = {};
  });
}
const run = (tenantIds: string[], options: RunOptions = {}, when = now) =>
  enforceRetentionProcessor({}, context, when, { ...mode, ...options, tenantIds });

async function kept(tenantId: string) {
  const { rows } = await database.pool.query<{ type: string; has_content: boolean; content: boolean }>(
    `SELECT e.type, e.has_content, c.event_id IS NOT NULL AS content FROM events e
     LEFT JOIN event_contents c ON c.tenant_id = e.tenant_id AND c.occurred_at = e.occurred_at AND c.event_id = e.id
     WHERE e.tenant_id = $1 AND e.type <> 'retention.run' ORDER BY e.type`,
    [tenantId],
  );
  return rows;
}

async function runEvents(tenantId: string) {
  const { rows } = await database.pool.query<{ metadata: { deleted: Record<string, number>; cutoffs: Record<string, string> } }>(
    "SELECT metadata FROM events WHERE tenant_id = $1 AND kind = 'system' AND type = 'retention.run' ORDER BY received_at",
    [tenantId],
  );
  return rows.map((r) => r.metadata);
}

/** One event of `kind` one second either side of `days` ago: `<name>.in` stays, `<name>.out` goes. */
function aroundCutoff(kind: NewEvent["kind"], days: number, name: string, content = false): NewEvent[] {
  // Labelled interactions: the classification sweep other test files run leaves them alone.
  const labels = kind === "interaction" ? { intent: "other", responseType: "direct" } : {};
  return [
    {
      kind,
      type: `${name}.in`,
      occurredAt: at(days * DAY - 1000),
      ...labels,
      ...(content ? { question: "q", answer: "a" } : {}),
    },
    {
      kind,
      type: `${name}.out`,
      occurredAt: at(days * DAY + 1000),
      ...labels,
      ...(content ? { question: "q", answer: "a" } : {}),
    },
  ];
}

/** Per kind and hour: events counted by the rollups (compacted + pending) next to the events stored. */
async function rollupMismatches(tenantId: string) {
  const { rows } = await database.pool.query(
    `WITH r AS (
       SELECT hour, kind, sum(events) AS n FROM (
         SELECT hour, kind, events FROM event_rollup_totals WHERE tenant_id = $1
         UNION ALL SELECT hour, kind, events FROM event_rollup_deltas WHERE tenant_id = $1) x
       GROUP BY 1, 2 HAVING sum(events) <> 0
     ), e AS (
       SELECT date_trunc('hour', occurred_at, 'UTC') AS hour, kind, count(*) AS n FROM events WHERE tenant_id = $1 GROUP BY 1, 2
     )
     SELECT coalesce(r.hour, e.hour) AS hour, coalesce(r.kind, e.kind) AS kind, r.n AS rollup, e.n AS stored
     FROM r FULL JOIN e ON r.hour = e.hour AND r.kind = e.kind
     WHERE r.n IS DISTINCT FROM e.n`,
    [tenantId],
  );
  return rows;
}
/** Compacted rollups per hour, kind and type that differ from the events stored. */
async function typeRollupMismatches(tenantId: string) {
  const { rows } = await database.pool.query(
    `WITH r AS (
       SELECT hour, kind, type, sum(events) AS n FROM event_rollups WHERE tenant_id = $1 GROUP BY 1, 2, 3 HAVING sum(events) <> 0
     ), e AS (
       SELECT date_trunc('hour', occurred_at, 'UTC') AS hour, kind, type, count(*) AS n FROM events WHERE tenant_id = $1
       GROUP BY 1, 2, 3
     )
     SELECT coalesce(r.hour, e.hour) AS hour, coalesce(r.type, e.type) AS type, r.n AS rollup, e.n AS stored
     FROM r FULL JOIN e ON r.hour = e.hour AND r.kind = e.kind AND r.type = e.type
     WHERE r.n IS DISTINCT FROM e.n`,
    [tenantId],
  );
  return rows;
}
/** Hours of the tenant left marked pending by retention (migration 0012). */
async function pendingHours(tenantId: string) {
  const { rows } = await database.pool.query("SELECT kind, lo, hi FROM retention_pending_hours WHERE tenant_id = $1", [tenantId]);
  return rows;
}
/** User sketches of hours (per kind, and all kinds) that hold no event any more. */
async function orphanSketches(tenantId: string) {
  const { rows } = await database.pool.query(
    `SELECT s.hour, s.kind FROM event_user_sketches s WHERE s.tenant_id = $1 AND NOT EXISTS (
       SELECT 1 FROM events e WHERE e.tenant_id = s.tenant_id AND (s.kind = '*' OR e.kind = s.kind)
         AND e.occurred_at >= s.hour AND e.occurred_at < s.hour + interval '1 hour')`,
    [tenantId],
  );
  return rows;
}

/**
 * A tenant on the free plan (system: 14 days) with expired events every 13 minutes over the 10 hours
 * before the cutoff (whole hours and the partial hour the cutoff falls in), kept ones over the 2 hours
 * after it, and user_activity of the same hours, all kept (30 days), so the all-kinds sketches must be
 * rebuilt. Rollups compacted.
 */
async function tenantWithExpiredHours(tenantId: string) {
  await assignTenantPlan(database.db, { tenantId, plan: "free", updatedBy: "test" });
  const expired = Array.from({ length: 46 }, (_, i) => ({
    kind: "system" as const,
    type: "expired",
    actorId: `u_${i % 7}`,
    occurredAt: at(14 * DAY + 1000 + i * 13 * 60_000),
  }));
  const inside = Array.from({ length: 9 }, (_, i) => ({
    kind: "system" as const,
    type: "inside",
    actorId: `u_${i % 3}`,
    occurredAt: at(14 * DAY - 1000 - i * 13 * 60_000),
  }));
  const other = Array.from({ length: 12 }, (_, i) => ({
    kind: "user_activity" as const,
    type: "user.login",
    actorId: `v_${i}`,
    occurredAt: at(14 * DAY - 2 * 3_600_000 + i * 60 * 60_000),
  }));
  await insertEvents(database.db, { tenantId, events: [...expired, ...inside, ...other] });
  await compactRollups(database.db);
}

describe.each([
  ["in batches", BATCHES, 3],
  ["through the index", THROUGH_INDEX, 3],
  ["by rewriting the day", REWRITES, 1],
] as const)("retention run (rows removed %s)", (_name, removal, crashAt) => {
  runsRemoveRows(removal);

  it("applies each plan's cutoff per kind to the second, content before metadata, and records retention.run", async () => {
    const free = `t_ret_free_${uid()}`;
    const team = `t_ret_team_${uid()}`;
    await assignTenantPlan(database.db, { tenantId: free, plan: "free", updatedBy: "test" });
    await assignTenantPlan(database.db, { tenantId: team, plan: "team", updatedBy: "test" });
    // free: user_activity 30, system 14, interaction 14, content 7 · team: 90, 30, 60, 30
    for (const [tenantId, d] of [
      [free, { ua: 30, sys: 14, int: 14, content: 7 }],
      [team, { ua: 90, sys: 30, int: 60, content: 30 }],
    ] as const) {
      await insertEvents(database.db, {
        tenantId,
        events: [
          ...aroundCutoff("user_activity", d.ua, "ua"),
          ...aroundCutoff("system", d.sys, "sys"),
          ...aroundCutoff("interaction", d.int, "int", true),
          ...aroundCutoff("interaction", d.content, "qa", true),
        ],
      });
    }

    await run([free, team]);

    for (const tenantId of [free, team]) {
      expect(await kept(tenantId)).toEqual([
        // Past the content cutoff: the question and answer are gone, the event row stays.
        { type: "int.in", has_content: true, content: false },
        { type: "qa.in", has_content: true, content: true },
        { type: "qa.out", has_content: true, content: false },
        { type: "sys.in", has_content: false, content: false },
        { type: "ua.in", has_content: false, content: false },
      ]);
      const [record] = await runEvents(tenantId);
      expect(record?.deleted).toEqual({ user_activity: 1, system: 1, interaction: 1, interaction_content: 3 });
    }
    const [freeRun] = await runEvents(free);
    expect(freeRun?.cutoffs).toEqual({
      user_activity: at(30 * DAY),
      system: at(14 * DAY),
      interaction: at(14 * DAY),
      interaction_content: at(7 * DAY),
    });

    // A second run finds nothing more and records nothing.
    const again = await run([free, team]);
    expect(again.tenants).toEqual({});
  });

  it("follows a tenant's override, and deletes nothing of a tenant on legal hold until it is lifted", async () => {
    const overridden = `t_ret_ovr_${uid()}`;
    const held = `t_ret_hold_${uid()}`;
    await setRetentionOverride(database.db, {
      tenantId: overridden,
      override: { interaction: 3, interaction_content: 1, system: null },
      updatedBy: "test",
    });
    await setLegalHold(database.db, { tenantId: held, hold: true, reason: "litigation", updatedBy: "test" });
    await insertEvents(database.db, {
      tenantId: overridden,
      events: [
        ...aroundCutoff("interaction", 3, "int", true),
        ...aroundCutoff("interaction", 1, "qa", true),
        ...aroundCutoff("system", 14, "sys"),
      ],
    });
    await insertEvents(database.db, {
      tenantId: held,
      events: [{ kind: "system", type: "old", occurredAt: at(200 * DAY) }, ...aroundCutoff("interaction", 7, "qa", true)],
    });

    await run([overridden, held]);
    expect((await kept(overridden)).map((r) => `${r.type}:${r.content}`)).toEqual([
      "int.in:false",
      "qa.in:true",
      "qa.out:false",
      "sys.in:false",
    ]);
    expect(await kept(held)).toHaveLength(3);
    expect(await runEvents(held)).toEqual([]);

    await setLegalHold(database.db, { tenantId: held, hold: false, updatedBy: "test" });
    await run([held]);
    expect((await kept(held)).map((r) => `${r.type}:${r.content}`)).toEqual(["qa.in:true", "qa.out:false"]);
  });

  it("reads the plan when it runs, not when it was scheduled", async () => {
    const tenantId = `t_ret_plan_${uid()}`;
    await assignTenantPlan(database.db, { tenantId, plan: "enterprise", updatedBy: "test" });
    await insertEvents(database.db, { tenantId, events: [{ kind: "system", type: "old", occurredAt: at(100 * DAY) }] });
    const scheduledWith = (await listTenantRetention(database.db)).get(tenantId);
    expect(scheduledWith?.days.system).toBe(365);

    await assignTenantPlan(database.db, { tenantId, plan: "free", updatedBy: "test" });
    await run([tenantId]);
    expect(await kept(tenantId)).toEqual([]);
    expect((await runEvents(tenantId))[0]?.deleted.system).toBe(1);
  });

  it("keeps counts and user sketches exact across whole hours and the cutoff's partial hour, also when stopped half-way", async () => {
    const tenantId = `t_ret_rollups_${uid()}`;
    await tenantWithExpiredHours(tenantId);

    await stoppedHalfWay(tenantId);
    await run([tenantId], { batchSize: 5 });
    expect(await pendingHours(tenantId)).toEqual([]);
    const left = await kept(tenantId);
    expect(left.filter((r) => r.type === "expired")).toEqual([]);
    expect(left.filter((r) => r.type === "inside")).toHaveLength(9);
    expect(left.filter((r) => r.type === "user.login")).toHaveLength(12);

    expect(await rollupMismatches(tenantId)).toEqual([]);
    await compactRollups(database.db);
    expect(await rollupMismatches(tenantId)).toEqual([]);
    expect(await orphanSketches(tenantId)).toEqual([]);
    const { rows } = await database.pool.query(
      "SELECT count(*)::int AS n FROM event_user_sketches WHERE tenant_id = $1 AND kind = '*'",
      [tenantId],
    );
    expect(rows[0].n).toBeGreaterThan(0);
  });

  // A stopped run may leave hours emptied (wholly or in part) without their rollups forgotten; if the
  // tenant then keeps them after all, the next run must not leave those hours counting gone events.
  // (Through the index the rollup trigger subtracts as rows go: nothing is left to recount there.)
  if (removal !== THROUGH_INDEX) {
    it.each([
      ["is put on legal hold", (tenantId: string) => setLegalHold(database.db, { tenantId, hold: true, updatedBy: "test" })],
      [
        "keeps its events longer",
        (tenantId: string) => setRetentionOverride(database.db, { tenantId, override: { system: 30 }, updatedBy: "test" }),
      ],
    ])("keeps counts exact when a run stops half-way and the tenant then %s", async (_change, change) => {
      const tenantId = `t_ret_recount_${uid()}`;
      await tenantWithExpiredHours(tenantId);
      await stoppedHalfWay(tenantId);
      const halfway = (await kept(tenantId)).length;
      await change(tenantId);

      await run([tenantId], { batchSize: 5 });
      expect(await kept(tenantId)).toHaveLength(halfway);
      expect(await rollupMismatches(tenantId)).toEqual([]);
      expect(await pendingHours(tenantId)).toEqual([]);
      await compactRollups(database.db);
      expect(await rollupMismatches(tenantId)).toEqual([]);
      expect(await typeRollupMismatches(tenantId)).toEqual([]);
      expect(await orphanSketches(tenantId)).toEqual([]);
    });
  }

  /** A run of the tenant that stops (throws) after its `crashAt`-th committed batch. */
  async function stoppedHalfWay(tenantId: string) {
    let batches = 0;
    await expect(
      run([tenantId], {
        batchSize: 5,
        afterBatch: () => {
          if (++batches === crashAt) throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
  }
});

describe("retention run stopped half-way", () => {
  runsRemoveRows(BATCHES);
  it("stopped half-way and run again, finishes without deleting anything inside retention", async () => {
    const tenantId = `t_ret_crash_${uid()}`;
    const expired = Array.from({ length: 30 }, (_, i) => ({
      kind: "system" as const,
      type: "expired",
      occurredAt: at(14 * DAY + 1000 + i * 60_000),
    }));
    const inside = Array.from({ length: 5 }, (_, i) => ({
      kind: "system" as const,
      type: "inside",
      occurredAt: at(14 * DAY - 1000 - i * 60_000),
    }));
    await insertEvents(database.db, { tenantId, events: [...expired, ...inside] });

    let batches = 0;
    await expect(
      run([tenantId], {
        batchSize: 4,
        afterBatch: () => {
          if (++batches === 2) throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
    const halfway = await kept(tenantId);
    const left = halfway.filter((r) => r.type === "expired").length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(30 - 5);
    expect(halfway.filter((r) => r.type === "inside")).toHaveLength(5);

    // Restarted: it picks up where the stopped run was, and still nothing inside retention goes.
    await run([tenantId], { batchSize: 4 });
    expect((await kept(tenantId)).map((r) => r.type)).toEqual(Array(5).fill("inside"));
  });

  it("removes expired events written into a day while it is swept, with their content, counts and rollups exact", async () => {
    const tenantId = `t_ret_behind_${uid()}`;
    await assignTenantPlan(database.db, { tenantId, plan: "free", updatedBy: "test" }); // interaction 14 days, content 7
    const interaction = (type: string, msBefore: number, content: boolean): NewEvent => ({
      kind: "interaction",
      type,
      occurredAt: at(msBefore),
      intent: "other",
      responseType: "direct",
      ...(content ? { question: "q", answer: "a" } : {}),
    });
    // In whole hours past the cutoff, without content: the first batch is the sweep of the day's events.
    await insertEvents(database.db, {
      tenantId,
      events: Array.from({ length: 12 }, (_, i) => interaction("expired", 14 * DAY + 2 * 3_600_000 + i * 60_000, false)),
    });
    let written = false;
    const result = await run([tenantId], {
      batchSize: 4,
      afterBatch: async () => {
        if (written) return;
        written = true;
        // Back-dated into the day being swept, after the sweep counted the pages it covers: another
        // tenant's rows first, so the table grows and the late ones land past those pages.
        await insertEvents(database.db, {
          tenantId: `${tenantId}_other`,
          events: Array.from({ length: 200 }, () => ({
            kind: "system" as const,
            type: "filler",
            occurredAt: at(14 * DAY + 2 * 3_600_000),
            metadata: { text: "x".repeat(1500) },
          })),
        });
        await insertEvents(database.db, {
          tenantId,
          events: [
            interaction("behind", 14 * DAY + 2 * 3_600_000 + 30 * 60_000, true),
            interaction("kept", 14 * DAY - 60_000, false),
          ],
        });
      },
    });
    expect(written).toBe(true);
    expect(await kept(tenantId)).toEqual([{ type: "kept", has_content: false, content: false }]);
    expect(result.tenants[tenantId]).toEqual({ interaction: 13, interaction_content: 1 });
    expect(await rollupMismatches(tenantId)).toEqual([]);
  });
});

describe("rewriting a mostly expired day", () => {
  runsRemoveRows(REWRITES);
  /** The day's partitions, and a tenant on the free plan and one on the team plan. */
  async function freeAndTeamOn(day: string, free: string, team: string) {
    await database.pool.query("SELECT logbook_ensure_partitions($1::date, $1::date)", [day]);
    await assignTenantPlan(database.db, { tenantId: free, plan: "free", updatedBy: "test" });
    await assignTenantPlan(database.db, { tenantId: team, plan: "team", updatedBy: "test" });
  }
  /** Every column of a day's events of these tenants, with their content: what must come back unchanged. */
  async function rowsOfDay(tenantIds: string[], day: string) {
    const { rows } = await database.pool.query(
      `SELECT to_jsonb(e) AS event, to_jsonb(c) AS content FROM events e
       LEFT JOIN event_contents c ON c.tenant_id = e.tenant_id AND c.occurred_at = e.occurred_at AND c.event_id = e.id
       WHERE e.tenant_id = ANY($1) AND e.occurred_at >= $2::date AND e.occurred_at < $2::date + 1 ORDER BY e.id`,
      [tenantIds, day],
    );
    return rows;
  }

  it("puts every kept row back exactly as it was, removes the expired ones with their content, and counts them", async () => {
    const free = `t_rw_free_${uid()}`;
    const team = `t_rw_team_${uid()}`;
    const outside = `t_rw_out_${uid()}`;
    const day = dayBefore(20);
    await freeAndTeamOn(day, free, team);
    // free (system 14 days, interaction 14): the whole day has expired. team (30, 60, content 30) keeps
    // it, and so does a tenant outside the run's scope.
    await insertEvents(database.db, {
      tenantId: free,
      events: [
        ...Array.from({ length: 30 }, (_, i) => ({
          kind: "system" as const,
          type: "sync.finished",
          actorId: `u_${i % 4}`,
          occurredAt: `${day}T${String(i % 24).padStart(2, "0")}:${String(i).padStart(2, "0")}:00Z`,
        })),
        ...Array.from({ length: 5 }, (_, i) => ({
          kind: "interaction" as const,
          type: "ai.interaction",
          occurredAt: `${day}T0${i}:30:00Z`,
          intent: "other",
          responseType: "direct",
          question: `q${i}`,
          answer: `a${i}`,
        })),
      ],
    });
    const keptEvents = [
      { kind: "system" as const, type: "sync.started", occurredAt: `${day}T03:00:00Z`, metadata: { run: 1, tags: ["a", "b"] } },
      {
        kind: "user_activity" as const,
        type: "user.login",
        occurredAt: `${day}T23:59:59Z`,
        actorId: "u_9",
        actorEmail: "u9@example.com",
        ip: "203.0.113.9",
      },
      {
        kind: "interaction" as const,
        type: "ai.interaction",
        occurredAt: `${day}T12:00:00Z`,
        model: "openai/gpt-5-mini",
        inputTokens: 120,
        outputTokens: 80,
        intent: "how_to",
        responseType: "rag_answer",
        question: "How?",
        answer: "Like this.",
      },
    ];
    await insertEvents(database.db, { tenantId: team, events: keptEvents });
    await insertEvents(database.db, { tenantId: outside, events: keptEvents });
    // On legal hold with every cutoff past: untouched.
    const held = `t_rw_held_${uid()}`;
    await assignTenantPlan(database.db, { tenantId: held, plan: "free", updatedBy: "test" });
    await setLegalHold(database.db, { tenantId: held, hold: true, updatedBy: "test" });
    await insertEvents(database.db, { tenantId: held, events: keptEvents });
    // Interactions kept 60 days but content 7: the events stay, their questions and answers go.
    const contentOnly = `t_rw_qa_${uid()}`;
    await setRetentionOverride(database.db, {
      tenantId: contentOnly,
      override: { interaction: 60, interaction_content: 7 },
      updatedBy: "test",
    });
    await insertEvents(database.db, {
      tenantId: contentOnly,
      events: [keptEvents[2]!, { ...keptEvents[2]!, occurredAt: `${day}T13:00:00Z` }],
    });
    await compactRollups(database.db);
    const before = await rowsOfDay([team, outside, held], day);
    expect(before).toHaveLength(9);
    const contentOnlyBefore = await rowsOfDay([contentOnly], day);

    const result = await run([free, team, held, contentOnly], { rewriteLockWaitMs: 60_000 });
    // Removed: 35 events of free and their 5 content rows, 2 content rows of contentOnly. Kept: 11
    // events, 4 content rows (team, outside, held: 1 each; none of contentOnly's).
    expect(result.rewrites).toEqual([{ day, removed: 30 + 5 + 5 + 2, kept: 11 + 3, seconds: expect.any(Number) }]);
    expect(await rowsOfDay([team, outside, held], day)).toEqual(before);
    expect(await rowsOfDay([free], day)).toEqual([]);
    expect(await rowsOfDay([contentOnly], day)).toEqual(contentOnlyBefore.map((r) => ({ ...r, content: null })));
    expect((await runEvents(free))[0]?.deleted).toEqual({ user_activity: 0, system: 30, interaction: 5, interaction_content: 5 });
    expect((await runEvents(contentOnly))[0]?.deleted).toEqual({
      user_activity: 0,
      system: 0,
      interaction: 0,
      interaction_content: 2,
    });
    expect(await runEvents(team)).toEqual([]);
    expect(await runEvents(held)).toEqual([]);
    for (const tenantId of [free, team]) {
      expect(await rollupMismatches(tenantId)).toEqual([]);
      await compactRollups(database.db);
      expect(await rollupMismatches(tenantId)).toEqual([]);
      expect(await orphanSketches(tenantId)).toEqual([]);
    }
  });

  it("leaves a day a repeatable-read reader holds to batch deletes, and that reader's snapshot stays whole", async () => {
    const free = `t_rw_rr_${uid()}`;
    const team = `t_rw_rrk_${uid()}`;
    const day = dayBefore(21);
    await freeAndTeamOn(day, free, team);
    const systemAt = (hours: number[]) =>
      hours.map((h) => ({ kind: "system" as const, type: "x", occurredAt: `${day}T${String(h).padStart(2, "0")}:00:00Z` }));
    await insertEvents(database.db, { tenantId: free, events: systemAt([1, 2, 3, 4, 5, 6, 7, 8]) });
    await insertEvents(database.db, { tenantId: team, events: systemAt([9, 10]) });

    // A repeatable-read transaction of the team tenant (as the statistics and exports use), open
    // across the run, that reads the day only after it: its snapshot predates the run, so a rewrite
    // committed meanwhile would show it the day empty (TRUNCATE is not MVCC-safe). It locked the
    // event tables before its snapshot, so the run leaves that day to batch deletes.
    const seen = await withTenant(
      database.db,
      team,
      async (tx) => {
        const result = await run([free, team], { rewriteShare: 0, rewriteLockWaitMs: 300 });
        expect(result.rewrites).toEqual([]);
        const { rows } = await tx.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM events WHERE tenant_id = ${team} AND occurred_at >= ${day}::date AND occurred_at < ${day}::date + 1`,
        );
        return rows[0]!.n;
      },
      { isolationLevel: "repeatable read" },
    );
    expect(seen).toBe(2);
    // The expired rows went all the same, in batches.
    expect(await kept(free)).toEqual([]);
    expect((await runEvents(free))[0]?.deleted.system).toBe(8);
    expect(await kept(team)).toHaveLength(2);
  });
});

describe("whole partitions", () => {
  const pool = () => database.pool;
  const exists = async (table: string) => (await pool().query("SELECT to_regclass($1) AS t", [table])).rows[0].t !== null;
  const rollupEvents = async (tenantId: string, day: string) =>
    Number(
      (
        await pool().query(
          `SELECT coalesce(sum(events), 0) AS n FROM (
             SELECT events FROM event_rollup_totals WHERE tenant_id = $1 AND hour >= $2::date AND hour < $2::date + 1
             UNION ALL SELECT events FROM event_rollup_deltas WHERE tenant_id = $1 AND hour >= $2::date AND hour < $2::date + 1) r`,
          [tenantId, day],
        )
      ).rows[0].n,
    );

  it("drops a day every tenant of which has expired, with that day's rollups; keeps a day with a tenant on hold", async () => {
    const a = `t_ret_pa_${uid()}`;
    const b = `t_ret_pb_${uid()}`;
    const held = `t_ret_ph_${uid()}`;
    const [d1, d2] = [dayBefore(301), dayBefore(300)] as [string, string];
    await pool().query("SELECT logbook_ensure_partitions($1::date, $2::date)", [d1, d2]);
    await setLegalHold(database.db, { tenantId: held, hold: true, updatedBy: "test" });
    await insertEvents(database.db, {
      tenantId: a,
      events: [
        { kind: "user_activity", type: "login", occurredAt: `${d1}T10:00:00Z`, actorId: "u1" },
        {
          kind: "interaction",
          type: "ai",
          occurredAt: `${d1}T23:59:59Z`,
          intent: "other",
          responseType: "direct",
          question: "q",
          answer: "a",
        },
      ],
    });
    await insertEvents(database.db, { tenantId: b, events: [{ kind: "system", type: "x", occurredAt: `${d2}T05:00:00Z` }] });
    await insertEvents(database.db, {
      tenantId: held,
      events: [{ kind: "system", type: "x", occurredAt: `${d2}T06:00:00Z` }],
    });
    expect(await rollupEvents(a, d1)).toBe(2);

    const result = await run([a, b, held]);
    expect(result.partitionsDropped).toEqual(expect.arrayContaining([`events_p${suffix(d1)}`, `event_contents_p${suffix(d1)}`]));
    expect(await rollupEvents(a, d1)).toBe(0);
    // Still inside the window ingestion accepts: an empty partition takes the day's place, so a
    // back-dated event of a tenant that keeps that day is stored.
    for (const table of [`events_p${suffix(d1)}`, `event_contents_p${suffix(d1)}`]) {
      const { rows } = await pool().query(
        `SELECT (SELECT count(*) FROM ${table})::int AS n, EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = '${table}'::regclass) AS attached`,
      );
      expect(rows[0]).toEqual({ n: 0, attached: true });
    }
    await insertEvents(database.db, { tenantId: b, events: [{ kind: "system", type: "late", occurredAt: `${d1}T08:00:00Z` }] });
    expect((await runEvents(a))[0]?.deleted).toEqual({ user_activity: 1, system: 0, interaction: 1, interaction_content: 1 });
    // The next day holds a tenant on legal hold: it stays, and the other tenant's rows go in a batch.
    expect(await exists(`events_p${suffix(d2)}`)).toBe(true);
    expect((await kept(b)).map((r) => r.type)).toEqual(["late"]);
    expect(await kept(held)).toHaveLength(1);
  });

  it("finishes a drop a stopped run left detached, and re-attaches a detached day that still holds kept rows", async () => {
    const a = `t_ret_da_${uid()}`;
    const held = `t_ret_dh_${uid()}`;
    const [d1, d2] = [dayBefore(501), dayBefore(500)] as [string, string];
    await pool().query("SELECT logbook_ensure_partitions($1::date, $2::date)", [d1, d2]);
    await setLegalHold(database.db, { tenantId: held, hold: true, updatedBy: "test" });
    await insertEvents(database.db, { tenantId: a, events: [{ kind: "system", type: "x", occurredAt: `${d1}T12:00:00Z` }] });
    await insertEvents(database.db, {
      tenantId: held,
      events: [{ kind: "system", type: "x", occurredAt: `${d2}T12:00:00Z` }],
    });
    // What a run stopped between detaching and dropping leaves behind.
    await pool().query(`ALTER TABLE events DETACH PARTITION events_p${suffix(d1)} CONCURRENTLY`);
    await pool().query(`ALTER TABLE events DETACH PARTITION events_p${suffix(d2)} CONCURRENTLY`);

    await run([a, held]);
    expect(await exists(`events_p${suffix(d1)}`)).toBe(false);
    expect(await rollupEvents(a, d1)).toBe(0);
    const attached = await pool().query(`SELECT 1 FROM pg_inherits WHERE inhrelid = 'events_p${suffix(d2)}'::regclass`);
    expect(attached.rowCount).toBe(1);
    expect(await kept(held)).toHaveLength(1);
  });
});
