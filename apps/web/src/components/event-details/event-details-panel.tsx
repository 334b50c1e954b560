import { useQuery } from "@tanstack/react-query";
import { errorMessage, trpcErrorCode, useTRPC } from "../../lib/trpc";
import { ErrorState, Spinner } from "../states";
import { CopyButton } from "./copy-button";
import { EventContent, EventJsonSection, EventToolCalls } from "./event-content";
import { EventFields } from "./event-fields";
import { EventLabels } from "./event-labels";
import { EventLinks } from "./event-links";
import { EventTime } from "./event-time";
import { JsonTree } from "./json-tree";
import type { EventDetail } from "./types";

export interface EventDetailsPanelProps {
  orgId: string;
  eventId: string;
  onClose: () => void;
}

/**
 * The details of one event, beside a log table (the log view mounts it for `event=<id>` and owns
 * J/K/Escape). Every field, the trace id to copy, times in local time and UTC, links to the session,
 * interaction, person and actor, question and answer as Markdown, tool calls, and payload, metadata
 * and labels as trees. Content comes as the server gives it to the role (auditors: redacted).
 */
export function EventDetailsPanel({ orgId, eventId, onClose }: EventDetailsPanelProps) {
  const trpc = useTRPC();
  const query = useQuery(trpc.events.get.queryOptions({ orgId, id: eventId }));

  return (
    <aside className="event-details" aria-labelledby="event-details-title" data-testid="event-details">
      <header className="event-details-header">
        <h2 id="event-details-title">Event details</h2>
        <button type="button" className="button small ghost" onClick={onClose} aria-label="Close details" title="Close (Esc)">
          ✕
        </button>
      </header>
      <div className="event-details-body">
        {query.isPending ? (
          <Spinner label="Loading event…" />
        ) : query.isError ? (
          trpcErrorCode(query.error) === "NOT_FOUND" || trpcErrorCode(query.error) === "BAD_REQUEST" ? (
            <div className="panel empty" data-testid="event-not-found">
              <p className="empty-title">Event not found</p>
              <p className="muted">
                No event <span className="mono">{eventId}</span> in this organization. It may have passed its retention period.
              </p>
            </div>
          ) : (
            <ErrorState message={errorMessage(query.error)} onRetry={() => query.refetch()} />
          )
        ) : (
          <EventDetailsBody orgId={orgId} event={query.data} />
        )}
      </div>
    </aside>
  );
}

function EventDetailsBody({ orgId, event }: { orgId: string; event: EventDetail }) {
  const failed = event.isError === true || event.status === "failure";
  return (
    <div className="stack" data-event-id={event.id}>
      <div className="event-summary">
        <div className="event-summary-title">
          <code className="action" data-testid="event-type">
            {event.type}
          </code>
          <span className="badge neutral">{event.kind.replace("_", " ")}</span>
          {event.status ? <span className={failed ? "badge danger" : "badge success"}>{event.status}</span> : null}
          {event.isError ? <span className="badge danger">error</span> : null}
          {event.contentRedacted ? (
            <span className="badge neutral" data-testid="redacted-badge">
              content redacted
            </span>
          ) : null}
        </div>
        <EventTime iso={event.occurredAt} />
        {event.traceId ? (
          <div className="event-trace">
            <span className="muted small">Trace id</span>
            <span className="mono" data-testid="trace-id">
              {event.traceId}
            </span>
            <CopyButton text={event.traceId} label="Copy trace id" />
          </div>
        ) : null}
      </div>
      <EventLinks orgId={orgId} event={event} />
      <EventContent event={event} />
      <EventToolCalls event={event} />
      <EventLabels event={event} />
      <EventFields event={event} />
      <EventJsonSection title="Metadata" id="metadata" value={event.metadata} />
      <EventJsonSection title="Labels" id="labels" value={event.labels} />
      <section className="event-section" aria-labelledby="event-raw">
        <details className="event-raw">
          <summary>
            <h3 id="event-raw">Whole event as JSON</h3>
          </summary>
          <div className="event-raw-body">
            <CopyButton text={JSON.stringify(event, null, 2)} label="Copy whole event as JSON" />
            <JsonTree value={event} label="Whole event" openDepth={1} />
          </div>
        </details>
      </section>
    </div>
  );
}
