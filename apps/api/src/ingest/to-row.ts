import type { IngestRow } from "@logbook/db/queries/ingest";
import type { EventEnvelope } from "@logbook/shared/events";
import { uuidv7 } from "@logbook/shared/ids";
import type { Redactor } from "@logbook/shared/privacy";

/**
 * Maps a validated envelope to a stored row: a server-assigned id (UUIDv7 of occurred_at), the tenant's redaction
 * applied to content and metadata before anything is stored, and the labels' source recorded.
 */
export function toRow(event: EventEnvelope, redactor: Redactor | null): IngestRow {
  const occurredAt = new Date(event.occurred_at).toISOString();
  const row: IngestRow = {
    // The id carries the event's own time (milliseconds), so a lookup by id finds its partition.
    id: uuidv7(Date.parse(occurredAt)),
    client_id: event.id ?? null,
    occurred_at: occurredAt,
    kind: event.kind,
    type: event.type,
    status: event.status ?? null,
    actor_id: event.actor?.id ?? null,
    actor_email: event.actor?.email ?? null,
    actor_name: event.actor?.name ?? null,
    actor_type: event.actor?.type ?? null,
    ip: event.actor?.ip ?? null,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    target_name: event.target?.name ?? null,
    target_version: event.target?.version ?? null,
    source: event.source ?? null,
    trace_id: event.trace_id ?? null,
    duration_ms: event.duration_ms ?? null,
    metadata: event.metadata ?? null,
  };
  if (event.kind === "interaction") {
    Object.assign(row, {
      session_id: event.session_id ?? null,
      model: event.model ?? null,
      agent: event.agent ?? null,
      platform: event.platform ?? null,
      protocol: event.protocol ?? null,
      product_area: event.product_area ?? null,
      tier: event.tier ?? null,
      input_tokens: event.input_tokens ?? null,
      output_tokens: event.output_tokens ?? null,
      is_error: event.is_error ?? null,
      tool_calls: event.tool_calls ?? null,
      occurred_in: event.occurred_in ?? null,
      element: event.element ?? null,
      person_id: event.person_id ?? null,
      interaction_id: event.interaction_id ?? null,
      conversation_id: event.conversation_id ?? null,
      intent: event.intent ?? null,
      response_type: event.response_type ?? null,
      sentiment: event.sentiment ?? null,
      question: event.question ?? null,
      answer: event.answer ?? null,
    });
    const labels: Record<string, { source: string }> = {};
    if (event.intent) labels.intent = { source: "client" };
    if (event.response_type) labels.response_type = { source: "client" };
    if (event.sentiment) labels.sentiment = { source: "client" };
    if (Object.keys(labels).length) row.labels = labels;
  }
  if (redactor) {
    let redacted = false;
    const apply = (value: string | null | undefined) => {
      if (value == null) return value;
      const out = redactor.text(value);
      if (out !== value) redacted = true;
      return out;
    };
    if (redactor.dropContent && (row.question != null || row.answer != null)) {
      row.question = null;
      row.answer = null;
      redacted = true;
    } else {
      row.question = apply(row.question);
      row.answer = apply(row.answer);
    }
    if (row.metadata != null) {
      const before = JSON.stringify(row.metadata);
      const after = redactor.value(row.metadata);
      if (JSON.stringify(after) !== before) {
        row.metadata = after;
        redacted = true;
      }
    }
    row.redacted = redacted;
  }
  return row;
}
