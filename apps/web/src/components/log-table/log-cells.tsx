import type { AppRouter } from "@logbook/api/router";
import type { inferRouterOutputs } from "@trpc/server";
import { formatRelative, formatUtc } from "../../lib/format";

/** One row of `events.list`. */
export type LogEvent = inferRouterOutputs<AppRouter>["events"]["list"]["items"][number];

const dash = <span className="muted">—</span>;

// Formatters are built once: constructing one per cell costs more than rendering the row.
const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const numbers = new Intl.NumberFormat("en");
export const formatNumber = (n: number) => numbers.format(n);

/** "3 minutes ago", with local time and UTC on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const date = new Date(iso);
  const local = Number.isNaN(date.getTime()) ? iso : localTime.format(date);
  return (
    <time dateTime={iso} title={`${local} (local)\n${formatUtc(iso)}`}>
      {formatRelative(iso)}
    </time>
  );
}

export function Text({ value, mono }: { value: string | null | undefined; mono?: boolean }) {
  if (value === null || value === undefined || value === "") return dash;
  return (
    <span className={mono ? "mono" : undefined} title={value}>
      {value}
    </span>
  );
}

export function Num({ value }: { value: number | null | undefined }) {
  if (value === null || value === undefined) return dash;
  return <>{formatNumber(value)}</>;
}

export function totalTokens(e: LogEvent): number | null {
  if (e.inputTokens === null && e.outputTokens === null) return null;
  return (e.inputTokens ?? 0) + (e.outputTokens ?? 0);
}

export function Actor({ event }: { event: LogEvent }) {
  const name = event.actorName ?? null;
  const email = event.actorEmail ?? null;
  if (!name && !email) return <Text value={event.actorId ?? event.actorType} />;
  return (
    <span title={[name, email].filter(Boolean).join(" · ")}>
      {name ?? email}
      {name && email ? <span className="muted"> · {email}</span> : null}
    </span>
  );
}

export function PerformedBy({ event }: { event: LogEvent }) {
  const who = event.actorName ?? event.actorEmail ?? event.actorId;
  if (!who && !event.actorType) return dash;
  return (
    <span title={[event.actorType, who].filter(Boolean).join(": ")}>
      {event.actorType ? <span className="badge neutral">{event.actorType}</span> : null} {who ?? ""}
    </span>
  );
}

export function Target({ event }: { event: LogEvent }) {
  const label = event.targetName ?? event.targetId ?? null;
  if (!label && !event.targetType) return dash;
  return (
    <span title={[event.targetType, label].filter(Boolean).join(": ")}>
      {label ?? ""}
      {event.targetType ? <span className="muted"> · {event.targetType}</span> : null}
    </span>
  );
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return dash;
  const tone = status === "success" ? "success" : status === "failure" || status === "error" ? "danger" : "neutral";
  return <span className={`badge ${tone}`}>{status}</span>;
}

export function ErrorFlag({ value }: { value: boolean | null | undefined }) {
  if (value === null || value === undefined) return dash;
  return value ? <span className="badge danger">error</span> : <span className="muted">no</span>;
}

export function Sentiment({ value }: { value: string | null | undefined }) {
  if (value === "positive")
    return (
      <span role="img" aria-label="thumbs up" title="positive">
        👍
      </span>
    );
  if (value === "negative")
    return (
      <span role="img" aria-label="thumbs down" title="negative">
        👎
      </span>
    );
  return dash;
}

/** `search_catalog (tool) × 2 · get_data_schema (tool) × 1`. */
export function toolCallSummary(e: LogEvent): string {
  return (e.toolCalls ?? []).map((c) => `${c.name} (${c.type}) × ${c.count}`).join(" · ");
}

export function Duration({ ms }: { ms: number | null | undefined }) {
  if (ms === null || ms === undefined) return dash;
  const text = ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
  return <span title={`${formatNumber(ms)} ms`}>{text}</span>;
}

/** A one-line summary of the metadata: `key=value · key=value`. */
export function metadataSummary(e: LogEvent): string {
  const metadata = (e.metadata ?? {}) as Record<string, unknown>;
  return Object.entries(metadata)
    .slice(0, 6)
    .map(([k, v]) => `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

export function Details({ event }: { event: LogEvent }) {
  const summary = metadataSummary(event);
  return (
    <span title={summary || undefined} className={summary ? "mono" : "muted"}>
      {event.redacted ? <span className="badge neutral">redacted</span> : null} {summary || "—"}
    </span>
  );
}
