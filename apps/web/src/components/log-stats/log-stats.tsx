import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../../lib/trpc";

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** Statistics cards over the current period and filters (events.stats). */
export function LogStats({
  input,
  requestsLabel,
  tokens,
}: {
  input: Record<string, unknown> & { orgId: string };
  requestsLabel: string;
  /** Token and model cards: only where events carry them (interactions). */
  tokens: boolean;
}) {
  const trpc = useTRPC();
  const stats = useQuery({
    ...trpc.events.stats.queryOptions(input as Parameters<typeof trpc.events.stats.queryOptions>[0]),
    placeholderData: (previous) => previous,
  });
  const totals = stats.data?.totals;
  const all: [string, number | undefined, string?][] = [
    [requestsLabel, totals?.events],
    [
      "Total tokens",
      totals?.totalTokens,
      totals ? `${totals.inputTokens.toLocaleString("en")} in · ${totals.outputTokens.toLocaleString("en")} out` : undefined,
    ],
    ["Users", totals?.users],
    ["Models", totals?.models],
    ["Errors", totals?.errors],
  ];
  const cards = tokens ? all : all.filter(([label]) => label !== "Total tokens" && label !== "Models");

  return (
    <section className="log-stats" aria-label="Statistics" aria-busy={stats.isFetching}>
      {stats.isError ? (
        <p className="form-error">Statistics could not be loaded: {errorMessage(stats.error)}</p>
      ) : (
        cards.map(([label, value, hint]) => (
          <div
            key={label}
            className={label === "Errors" && value ? "log-stat danger" : "log-stat"}
            data-testid={`stat-${label.toLowerCase().replace(/\s+/g, "-")}`}
          >
            <span className="log-stat-label">{label}</span>
            <span className="log-stat-value" title={value === undefined ? undefined : value.toLocaleString("en")}>
              {value === undefined ? "…" : compact.format(value)}
            </span>
            {hint ? <span className="muted small">{hint}</span> : null}
          </div>
        ))
      )}
    </section>
  );
}
