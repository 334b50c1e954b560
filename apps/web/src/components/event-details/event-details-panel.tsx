import { useQuery } from "@tanstack/react-query";
import { errorMessage, trpcErrorCode, useTRPC } from "../../lib/trpc";
import { Spinner } from "../states";

export interface EventDetailsPanelProps {
  orgId: string;
  eventId: string;
  onClose: () => void;
}

/** The details of one event, beside a log table (minimal first version). */
export function EventDetailsPanel({ orgId, eventId, onClose }: EventDetailsPanelProps) {
  const trpc = useTRPC();
  const query = useQuery(trpc.events.get.queryOptions({ orgId, id: eventId }));

  return (
    <aside className="event-details" aria-label="Event details" data-testid="event-details">
      <header className="event-details-header">
        <h2>Event details</h2>
        <button type="button" className="button" onClick={onClose} aria-label="Close details">
          Close
        </button>
      </header>
      {query.isPending ? (
        <Spinner label="Loading event…" />
      ) : query.isError ? (
        <p role="alert">
          {trpcErrorCode(query.error) === "NOT_FOUND" ? "This event does not exist." : errorMessage(query.error)}
        </p>
      ) : (
        <pre className="event-details-json">{JSON.stringify(query.data, null, 2)}</pre>
      )}
    </aside>
  );
}
