import type { EventFilterInput } from "@logbook/shared/filters";
import { Link } from "wouter";
import { type LogView, logViewHref } from "../../lib/log-url";
import type { EventDetail } from "./types";

/**
 * Where to go from one event: its chat session (every interaction of it, oldest first), its
 * interaction, conversation and person, its trace, and the actor's activity. Every link is a log
 * view URL (GET /v1/events parameter names), over all time.
 */

interface RelatedLink {
  id: string;
  label: string;
  value: string;
  view: LogView;
  filter: Partial<EventFilterInput>;
  description: string;
}

export function relatedLinks(event: EventDetail): RelatedLink[] {
  const links: RelatedLink[] = [];
  const all = { period: "all" } as const;
  if (event.sessionId) {
    links.push({
      id: "session",
      label: "Chat session",
      value: event.sessionId,
      view: "interactions",
      filter: { ...all, sessionId: [event.sessionId], order: "asc" },
      description: "All interactions of this session, in order",
    });
  }
  if (event.interactionId) {
    links.push({
      id: "interaction",
      label: "Interaction",
      value: event.interactionId,
      view: "interactions",
      filter: { ...all, interactionId: [event.interactionId], order: "asc" },
      description: "All events of this interaction, in order",
    });
  }
  if (event.conversationId) {
    links.push({
      id: "conversation",
      label: "Conversation",
      value: event.conversationId,
      view: "interactions",
      filter: { ...all, conversationId: [event.conversationId], order: "asc" },
      description: "All events of this conversation, in order",
    });
  }
  if (event.personId) {
    links.push({
      id: "person",
      label: "Person",
      value: event.personId,
      view: "interactions",
      filter: { ...all, personId: [event.personId] },
      description: "All events about this person",
    });
  }
  const actorName = event.actorName ?? event.actorEmail ?? event.actorId;
  if (event.actorId || event.actorEmail) {
    const byActor: Partial<EventFilterInput> = event.actorId
      ? { ...all, actorId: [event.actorId] }
      : { ...all, actor: event.actorEmail! };
    links.push({
      id: "actor-activity",
      label: "Actor",
      value: actorName!,
      view: "user-activity",
      filter: byActor,
      description: "Everything this actor did",
    });
    links.push({
      id: "actor-interactions",
      label: "Actor's interactions",
      value: actorName!,
      view: "interactions",
      filter: byActor,
      description: "Every interaction of this actor",
    });
  }
  return links;
}

export function EventLinks({ orgId, event }: { orgId: string; event: EventDetail }) {
  const links = relatedLinks(event);
  if (links.length === 0) return null;
  return (
    <section className="event-section" aria-labelledby="event-related">
      <h3 id="event-related">Related</h3>
      <ul className="event-links">
        {links.map((link) => (
          <li key={link.id}>
            <span className="event-link-label">{link.label}</span>
            <Link
              href={`~${logViewHref(orgId, link.view, link.filter)}`}
              data-testid={`link-${link.id}`}
              title={link.description}
            >
              <span className="mono">{link.value}</span>
            </Link>
            <span className="muted small">{link.description}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
