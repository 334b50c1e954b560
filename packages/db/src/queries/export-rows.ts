import type { Readable } from "node:stream";
import type { ExportColumn, ExportFilter } from "@logbook/shared/exports";
import type { ContentAccess } from "@logbook/shared/permissions";
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { eventContents, events } from "../schema/events";
import { type Tx, withTenant } from "../tenant";
import { copyOut, copyOutLines } from "./copy-out";
import { matchingActorKeys } from "./event-actors";
import { compileEventFilter } from "./event-filter-sql";

/**
 * The rows of an export: the read path's filter (compileEventFilter) walked in its keyset order
 * (occurred_at, id — oldest first) in one repeatable-read snapshot, memory constant whatever the row
 * count. Two ways out: COPY of finished CSV records or JSON Lines rendered by Postgres
 * (streamExportCsv, streamExportJsonLines), or — when content must be redacted by the worker — a
 * server-side cursor of JSON arrays of the columns' values, a batch at a time (streamExportRows).
 * Timestamps are ISO 8601 UTC with microseconds.
 */

const isoUtc = (column: AnyPgColumn) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Export column → SQL expression. The whitelist: nothing else reaches the query. */
const columnSql: Record<ExportColumn, SQL> = {
  id: sql`${events.id}`,
  occurred_at: isoUtc(events.occurredAt),
  received_at: isoUtc(events.receivedAt),
  kind: sql`${events.kind}`,
  type: sql`${events.type}`,
  status: sql`${events.status}`,
  actor_id: sql`${events.actorId}`,
  actor_email: sql`${events.actorEmail}`,
  actor_name: sql`${events.actorName}`,
  actor_type: sql`${events.actorType}`,
  ip: sql`${events.ip}`,
  target_type: sql`${events.targetType}`,
  target_id: sql`${events.targetId}`,
  target_name: sql`${events.targetName}`,
  target_version: sql`${events.targetVersion}`,
  source: sql`${events.source}`,
  trace_id: sql`${events.traceId}`,
  duration_ms: sql`${events.durationMs}`,
  session_id: sql`${events.sessionId}`,
  model: sql`${events.model}`,
  agent: sql`${events.agent}`,
  platform: sql`${events.platform}`,
  protocol: sql`${events.protocol}`,
  product_area: sql`${events.productArea}`,
  tier: sql`${events.tier}`,
  input_tokens: sql`${events.inputTokens}`,
  output_tokens: sql`${events.outputTokens}`,
  is_error: sql`${events.isError}`,
  tool_calls: sql`${events.toolCalls}`,
  occurred_in: sql`${events.occurredIn}`,
  element: sql`${events.element}`,
  person_id: sql`${events.personId}`,
  interaction_id: sql`${events.interactionId}`,
  conversation_id: sql`${events.conversationId}`,
  intent: sql`${events.intent}`,
  response_type: sql`${events.responseType}`,
  sentiment: sql`${events.sentiment}`,
  labels: sql`${events.labels}`,
  metadata: sql`${events.metadata}`,
  client_id: sql`${events.clientId}`,
  redacted: sql`${events.redacted}`,
  question: sql`${eventContents.question}`,
  answer: sql`${eventContents.answer}`,
};

/** How each export column is typed, for the CSV Postgres writes itself. */
const jsonColumns = new Set<ExportColumn>(["tool_calls", "labels", "metadata"]);
const plainColumns = new Set<ExportColumn>([
  "id",
  "occurred_at",
  "received_at",
  "duration_ms",
  "input_tokens",
  "output_tokens",
  "is_error",
  "redacted",
]);

export interface ExportRowsInput {
  tenantId: string;
  /** The export's filter; its period is absolute ({ from, to }) so a retry reads the same rows. */
  filter: ExportFilter;
  columns: readonly ExportColumn[];
  /** Content columns are null for "none"; the caller redacts them for "redacted". */
  contentAccess: ContentAccess;
  /** Rows per FETCH. */
  batchSize?: number;
}

export interface ExportRowsHandler {
  /** Called once before the first batch with the number of matching rows. */
  onEstimate?(rows: number): Promise<void> | void;
  /** Gets each batch of JSON texts; returning false stops the walk (cancel). */
  onBatch(lines: string[]): Promise<boolean | undefined> | boolean | undefined;
}

/** Streams the matching rows to `handler`; returns how many rows were handed over. */
export async function streamExportRows(db: Db, input: ExportRowsInput, handler: ExportRowsHandler): Promise<number> {
  const { tenantId, filter, columns, contentAccess } = input;
  const withContent = contentAccess !== "none" && columns.some((c) => c === "question" || c === "answer");
  const canReadContent = contentAccess === "full";
  const values = columns.map((c) => (!withContent && (c === "question" || c === "answer") ? sql`NULL::text` : columnSql[c]));
  // Each row one JSON array of the chosen columns' values, for the worker to redact and encode.
  const row = sql`json_build_array(${sql.join(values, sql`, `)})::text`;
  const batchSize = input.batchSize ?? 2000;

  return withTenant(
    db,
    tenantId,
    async (tx) => {
      const actorKeys = filter.actor ? await matchingActorKeys(tx, tenantId, filter.actor) : null;
      const where = compileEventFilter(
        { ...filter, order: "asc", limit: 1 },
        { tenantId, now: new Date(), canReadContent, actorKeys },
      );
      if (handler.onEstimate) {
        const counted = await tx.execute<{ n: string }>(sql`SELECT count(*)::text AS n FROM ${events} WHERE ${where}`);
        await handler.onEstimate(Number(counted.rows[0]?.n ?? 0));
      }
      // An ordered index walk, as the listing does: never "collect everything, then sort".
      if (!actorKeys || actorKeys.length <= 1) await tx.execute(sql`SELECT set_config('enable_sort', 'off', true)`);
      const contentJoin = withContent
        ? sql`LEFT JOIN ${eventContents} ON ${eventContents.tenantId} = ${events.tenantId}
            AND ${eventContents.occurredAt} = ${events.occurredAt} AND ${eventContents.eventId} = ${events.id}`
        : sql``;
      await tx.execute(sql`DECLARE export_rows NO SCROLL CURSOR FOR
        SELECT ${row} AS line FROM ${events} ${contentJoin}
        WHERE ${where} ORDER BY ${events.occurredAt}, ${events.id}`);
      const fetch = sql.raw(`FETCH ${Math.max(1, Math.floor(batchSize))} FROM export_rows`);
      // The next batch is fetched while the handler encodes this one: Postgres and Node work side by side.
      const next = () => {
        // A real promise: drizzle's query is a thenable that runs again on every then().
        const query = Promise.resolve(tx.execute<{ line: string }>(fetch));
        query.catch(() => {}); // awaited below; a failure surfaces there
        return query;
      };
      let total = 0;
      let pending = next();
      for (;;) {
        const result = await pending;
        if (result.rows.length === 0) break;
        total += result.rows.length;
        const more = result.rows.length === batchSize;
        if (more) pending = next();
        const go = await handler.onBatch(result.rows.map((r) => r.line));
        if (go === false || !more) {
          if (more) await pending;
          break;
        }
      }
      await tx.execute(sql`CLOSE export_rows`);
      return total;
    },
    { isolationLevel: "repeatable read" },
  );
}

/**
 * A CSV cell as COPY's CSV output writes it: text neutralised against formulas (a leading = + - @ tab
 * or CR gets an apostrophe, as csvCell does); numbers, uuids and timestamps as text; booleans as
 * true/false; JSON as its text. COPY quotes what needs quoting (RFC 4180) itself.
 */
function copyCell(column: ExportColumn, value: SQL): SQL {
  if (plainColumns.has(column) || jsonColumns.has(column)) return sql`(${value})::text`;
  return sql`(CASE WHEN left(${value}, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || ${value} ELSE ${value} END)`;
}

/**
 * The export's rows as CSV records (no header, LF line ends) streamed by one COPY … TO STDOUT in one
 * repeatable-read snapshot: Postgres renders and quotes the cells, Node only moves bytes. For content
 * the caller may read as stored ("full") or not at all ("none"); redacted content goes through
 * streamExportRows, where the worker redacts each value.
 */
export async function streamExportCsv(
  db: Db,
  input: Omit<ExportRowsInput, "batchSize"> & { onEstimate?(rows: number): Promise<void> | void },
): Promise<Readable> {
  return streamExportCopy(db, input, "csv", copyCell, (rows) => rows);
}

/**
 * The export's rows as JSON Lines (one object per event, keyed by column, LF-terminated) streamed by
 * one COPY … TO STDOUT: Postgres renders each object (row_to_json), Node only moves bytes. As
 * streamExportCsv, for content read as stored or not at all.
 */
export async function streamExportJsonLines(
  db: Db,
  input: Omit<ExportRowsInput, "batchSize"> & { onEstimate?(rows: number): Promise<void> | void },
): Promise<Readable> {
  return streamExportCopy(
    db,
    input,
    "lines",
    (_column, value) => value,
    (rows) => sql`SELECT row_to_json(line)::text FROM (${rows}) line`,
  );
}

/**
 * The export's query (filter, keyset order, content join, estimate first) as one COPY: each column's
 * `cell(column, value)` named after the column, the rows then shaped by `wrap`: CSV, or one line of
 * text per row (copyOutLines).
 */
async function streamExportCopy(
  db: Db,
  input: Omit<ExportRowsInput, "batchSize"> & { onEstimate?(rows: number): Promise<void> | void },
  format: "csv" | "lines",
  cell: (column: ExportColumn, value: SQL) => SQL,
  wrap: (rows: SQL) => SQL,
): Promise<Readable> {
  const { tenantId, filter, columns, contentAccess } = input;
  const wantsContent = columns.some((c) => c === "question" || c === "answer");
  if (contentAccess === "redacted" && wantsContent) throw new Error("export COPY: redacted content is encoded by the worker");
  const withContent = contentAccess === "full" && wantsContent;
  const values = columns.map((c) => (!withContent && (c === "question" || c === "answer") ? sql`NULL::text` : columnSql[c]));
  const build = async (tx: Tx) => {
    const actorKeys = filter.actor ? await matchingActorKeys(tx, tenantId, filter.actor) : null;
    const where = compileEventFilter(
      { ...filter, order: "asc", limit: 1 },
      { tenantId, now: new Date(), canReadContent: contentAccess === "full", actorKeys },
    );
    if (input.onEstimate) {
      const counted = await tx.execute<{ n: string }>(sql`SELECT count(*)::text AS n FROM ${events} WHERE ${where}`);
      await input.onEstimate(Number(counted.rows[0]?.n ?? 0));
    }
    if (!actorKeys || actorKeys.length <= 1) await tx.execute(sql`SELECT set_config('enable_sort', 'off', true)`);
    const contentJoin = withContent
      ? sql`LEFT JOIN ${eventContents} ON ${eventContents.tenantId} = ${events.tenantId}
          AND ${eventContents.occurredAt} = ${events.occurredAt} AND ${eventContents.eventId} = ${events.id}`
      : sql``;
    const cells = sql.join(
      columns.map((c, i) => sql`${cell(c, values[i] as SQL)} AS ${sql.identifier(c)}`),
      sql`, `,
    );
    return wrap(sql`SELECT ${cells} FROM ${events} ${contentJoin} WHERE ${where} ORDER BY ${events.occurredAt}, ${events.id}`);
  };
  return format === "csv" ? copyOut(db, tenantId, "FORMAT csv", build) : copyOutLines(db, tenantId, build);
}
