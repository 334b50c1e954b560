import type { AppRouter } from "@logbook/api/router";
import type { inferRouterOutputs } from "@trpc/server";
import { formatRelative, formatUtc } from "../lib/format";

type EventItem = inferRouterOutputs<AppRouter>["events"]["list"]["items"][number];

export function ActivityTable({ items }: { items: EventItem[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          {items.map((event) => (
            <tr key={event.id}>
              <td className="nowrap">
                <time dateTime={event.occurredAt} title={formatUtc(event.occurredAt)}>
                  {formatRelative(event.occurredAt)}
                </time>
              </td>
              <td>
                <Actor event={event} />
              </td>
              <td>
                <code className="action">{event.type}</code>
              </td>
              <td>
                <Target event={event} />
              </td>
              <td>
                <StatusBadge status={event.status} />
              </td>
              <td className="mono muted nowrap">{event.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Actor({ event }: { event: EventItem }) {
  const name = event.actorName ?? null;
  const email = event.actorEmail ?? null;
  if (!name && !email) {
    return <span className="muted">{event.actorId ?? event.actorType ?? "—"}</span>;
  }
  return (
    <div className="stack">
      <span>{name ?? email}</span>
      {name && email ? <span className="muted small">{email}</span> : null}
    </div>
  );
}

function Target({ event }: { event: EventItem }) {
  const label = event.targetName ?? event.targetId ?? null;
  if (!label && !event.targetType) return <span className="muted">—</span>;
  return (
    <div className="stack">
      <span>{label ?? "—"}</span>
      {event.targetType ? <span className="muted small">{event.targetType}</span> : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="muted">—</span>;
  const tone = status === "success" ? "success" : status === "failure" ? "danger" : "neutral";
  return <span className={`badge ${tone}`}>{status}</span>;
}
