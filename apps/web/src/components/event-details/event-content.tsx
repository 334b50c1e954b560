import { CopyButton } from "./copy-button";
import { JsonTree } from "./json-tree";
import { LazyMarkdown } from "./lazy-markdown";
import { type EventDetail, toolCallsSummary } from "./types";

/** Question and answer (Markdown), the content payload, tool calls, metadata and labels of an event. */

export function EventContent({ event }: { event: EventDetail }) {
  const content = event.content;
  const redacted = event.contentRedacted;
  if (!content) {
    if (!event.hasContent) return null;
    return (
      <section className="event-section" aria-labelledby="event-content">
        <h3 id="event-content">Content</h3>
        <p className="notice" data-testid="content-unavailable">
          This event has content (question, answer or payload) that your role cannot read.
        </p>
      </section>
    );
  }
  const payload = content.payload;
  const hasPayload =
    payload !== null && payload !== undefined && !(typeof payload === "object" && Object.keys(payload).length === 0);
  return (
    <section className="event-section" aria-labelledby="event-content" data-redacted={redacted || undefined}>
      <h3 id="event-content">Content</h3>
      {redacted ? (
        <p className="notice redaction-notice" role="note" data-testid="redaction-notice">
          <strong>Redacted for your role.</strong> Email addresses, phone numbers, IP addresses and card numbers are masked (
          <mark className="redaction">[email]</mark>, <mark className="redaction">[phone]</mark>,{" "}
          <mark className="redaction">[ip]</mark>, <mark className="redaction">[card]</mark>).
        </p>
      ) : null}
      {event.redacted ? (
        <p className="muted small">Personal data was redacted at ingest by the organization's privacy settings.</p>
      ) : null}
      <ContentText title="Question" id="question" text={content.question} marks={redacted || event.redacted} />
      <ContentText title="Answer" id="answer" text={content.answer} marks={redacted || event.redacted} />
      {hasPayload ? (
        <div className="event-content-block">
          <h4>Payload</h4>
          <JsonTree value={payload} label="Payload" />
        </div>
      ) : null}
    </section>
  );
}

function ContentText({ title, id, text, marks }: { title: string; id: string; text: string | null; marks: boolean }) {
  if (text === null || text === "") return null;
  return (
    <div className="event-content-block" data-testid={`content-${id}`}>
      <div className="event-section-head">
        <h4>{title}</h4>
        <CopyButton text={text} label={`Copy ${title.toLowerCase()}`} className="button small ghost" />
      </div>
      <LazyMarkdown text={text} highlightRedactions={marks} />
    </div>
  );
}

export function EventToolCalls({ event }: { event: EventDetail }) {
  const calls = event.toolCalls ?? [];
  if (calls.length === 0) return null;
  const total = calls.reduce((n, c) => n + c.count, 0);
  return (
    <section className="event-section" aria-labelledby="event-tools">
      <h3 id="event-tools">
        Tool calls <span className="count">{total}</span>
      </h3>
      <p className="visually-hidden">{toolCallsSummary(calls)}</p>
      <table className="table event-tools" data-testid="tool-calls">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col" className="numeric">
              Calls
            </th>
          </tr>
        </thead>
        <tbody>
          {calls.map((call, i) => (
            <tr key={`${call.name}-${i}`}>
              <td className="mono">{call.name}</td>
              <td>
                <span className={call.type === "agent" ? "badge neutral" : "badge"}>{call.type}</span>
              </td>
              <td className="numeric">× {call.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function EventJsonSection({ title, id, value }: { title: string; id: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && Object.keys(value).length === 0) return null;
  return (
    <section className="event-section" aria-labelledby={`event-${id}`} data-testid={`json-${id}`}>
      <h3 id={`event-${id}`}>{title}</h3>
      <JsonTree value={value} label={title} />
    </section>
  );
}
