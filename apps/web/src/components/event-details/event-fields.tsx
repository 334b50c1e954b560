import { type ReactNode, useState } from "react";
import { CopyButton } from "./copy-button";
import { EventTime } from "./event-time";
import type { EventDetail } from "./types";

/**
 * Every listing field of an event, grouped (event, actor, target, interaction, automation), as a
 * definition list. Empty fields are folded away behind "Show empty fields".
 */

type Field = { label: string; value: ReactNode; raw: unknown; mono?: boolean; copy?: string };
type Group = { title: string; fields: Field[] };

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? "yes" : "no");

function groups(event: EventDetail): Group[] {
  const totalTokens =
    event.inputTokens === null && event.outputTokens === null ? null : (event.inputTokens ?? 0) + (event.outputTokens ?? 0);
  const f = (label: string, raw: unknown, options: Partial<Field> = {}): Field => ({
    label,
    raw,
    value: typeof raw === "boolean" ? yesNo(raw) : text(raw as string | number | null),
    ...options,
  });
  return [
    {
      title: "Event",
      fields: [
        f("Id", event.id, { mono: true, copy: event.id }),
        f("Client id", event.clientId, { mono: true }),
        f("Kind", event.kind),
        f("Type", event.type, { mono: true }),
        f("Status", event.status),
        f("Occurred", event.occurredAt, { value: <EventTime iso={event.occurredAt} testId="occurred-at" /> }),
        f("Received", event.receivedAt, { value: <EventTime iso={event.receivedAt} /> }),
        f("Source", event.source),
        f("Duration", event.durationMs, {
          value: event.durationMs === null ? null : `${event.durationMs.toLocaleString("en")} ms`,
        }),
        f("Trace id", event.traceId, { mono: true, copy: event.traceId ?? undefined }),
        f("Redacted at ingest", event.redacted),
        f("Has content", event.hasContent),
      ],
    },
    {
      title: "Actor",
      fields: [
        f("Id", event.actorId, { mono: true }),
        f("Email", event.actorEmail),
        f("Name", event.actorName),
        f("Type", event.actorType),
        f("IP", event.ip, { mono: true }),
      ],
    },
    {
      title: "Target",
      fields: [
        f("Type", event.targetType),
        f("Id", event.targetId, { mono: true }),
        f("Name", event.targetName),
        f("Version", event.targetVersion, { mono: true }),
      ],
    },
    {
      title: "Interaction",
      fields: [
        f("Chat session", event.sessionId, { mono: true }),
        f("Model", event.model, { mono: true }),
        f("Agent", event.agent),
        f("Platform", event.platform),
        f("Protocol", event.protocol),
        f("Product area", event.productArea),
        f("Tier", event.tier),
        f("Input tokens", event.inputTokens, { value: event.inputTokens?.toLocaleString("en") ?? null }),
        f("Output tokens", event.outputTokens, { value: event.outputTokens?.toLocaleString("en") ?? null }),
        f("Total tokens", totalTokens, { value: totalTokens?.toLocaleString("en") ?? null }),
        f("Response type", event.responseType),
        f("Intent", event.intent),
        f("Error", event.isError, {
          value: event.isError === null ? null : event.isError ? <span className="badge danger">error</span> : "no",
        }),
        f("Sentiment", event.sentiment, { value: sentiment(event.sentiment) }),
      ],
    },
    {
      title: "Automation",
      fields: [
        f("Occurred in", event.occurredIn),
        f("Element", event.element),
        f("Person id", event.personId, { mono: true }),
        f("Interaction id", event.interactionId, { mono: true }),
        f("Conversation id", event.conversationId, { mono: true }),
      ],
    },
  ];
}

function sentiment(value: string | null): ReactNode {
  if (value === "positive")
    return (
      <span>
        <span aria-hidden="true">▲ </span>thumbs up (positive)
      </span>
    );
  if (value === "negative")
    return (
      <span>
        <span aria-hidden="true">▼ </span>thumbs down (negative)
      </span>
    );
  return value;
}

export function EventFields({ event }: { event: EventDetail }) {
  const [showEmpty, setShowEmpty] = useState(false);
  const all = groups(event);
  const emptyCount = all.reduce((n, g) => n + g.fields.filter((x) => x.raw === null || x.raw === undefined).length, 0);
  return (
    <section className="event-section" aria-labelledby="event-fields">
      <div className="event-section-head">
        <h3 id="event-fields">Fields</h3>
        {emptyCount > 0 ? (
          <button type="button" className="link-button small" onClick={() => setShowEmpty(!showEmpty)} aria-pressed={showEmpty}>
            {showEmpty ? "Hide empty fields" : `Show empty fields (${emptyCount})`}
          </button>
        ) : null}
      </div>
      {all.map((group) => {
        const fields = showEmpty ? group.fields : group.fields.filter((x) => x.raw !== null && x.raw !== undefined);
        if (fields.length === 0) return null;
        return (
          <div key={group.title} className="event-field-group">
            <h4>{group.title}</h4>
            <dl className="event-fields">
              {fields.map((field) => (
                <div key={field.label} className="event-field" data-field={`${group.title}.${field.label}`}>
                  <dt>{field.label}</dt>
                  <dd className={field.mono ? "mono" : undefined}>
                    {field.value ?? <span className="muted">—</span>}
                    {field.copy ? (
                      <CopyButton
                        text={field.copy}
                        label={`Copy ${group.title.toLowerCase()} ${field.label.toLowerCase()}`}
                        className="button small ghost"
                      />
                    ) : null}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        );
      })}
    </section>
  );
}
