import { formatRelative } from "../../lib/format";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** "2026-03-04 13:30:05.123" in the browser's time zone. */
export function formatLocalPrecise(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** "2026-03-04 12:30:05.123 UTC". */
export function formatUtcPrecise(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace("T", " ")} UTC`;
}

/** The browser's time zone name and offset, e.g. "Europe/Berlin, UTC+01:00". */
export function localZone(date: Date): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${zone}, UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant in local time (with zone) and UTC, plus how long ago. */
export function EventTime({ iso, testId }: { iso: string; testId?: string }) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span>{iso}</span>;
  return (
    <span className="event-time" data-testid={testId}>
      <time dateTime={iso} className="event-time-local">
        {formatLocalPrecise(date)} <span className="muted small">({localZone(date)})</span>
      </time>
      <span className="event-time-utc mono small">{formatUtcPrecise(date)}</span>
      <span className="muted small">{formatRelative(iso)}</span>
    </span>
  );
}
