import { type PeriodPreset, periodPresets } from "@logbook/shared/filters";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useLocation, useSearch } from "wouter";
import { PageHeader } from "../../components/page-header";
import { queryState } from "../../components/query-state";
import { EmptyState } from "../../components/states";
import { ErrorRateChart } from "../../components/usage-charts/error-rate-chart";
import { PeriodPicker } from "../../components/usage-charts/period-picker";
import { UsageBarChart } from "../../components/usage-charts/usage-bar-chart";
import {
  dimensionLabels,
  formatNumber,
  formatPercent,
  interactionsHref,
  keyColor,
  type Usage,
  type UsageDimension,
  type UsageMetric,
  type UsagePeriod,
  userFilter,
  valueFilter,
} from "../../components/usage-charts/usage-model";
import { UsageTopList } from "../../components/usage-charts/usage-top-list";
import { useTRPC } from "../../lib/trpc";

/**
 * Usage of the organization's AI interactions: requests and tokens over time split by model, user,
 * agent or source; top users and models; error rate; thumbs up/down. Every bar, point and row opens
 * the interactions log view filtered to it. The state (period, split, metric) lives in the URL:
 *   /o/<orgId>/usage?period=7d&dimension=user&metric=tokens   or   ?from=…&to=…
 */

const dimensions = Object.keys(dimensionLabels) as UsageDimension[];

interface UsageState {
  period: UsagePeriod;
  dimension: UsageDimension;
  metric: UsageMetric;
}

export function parseUsageSearch(search: string): UsageState {
  const params = new URLSearchParams(search);
  const from = params.get("from");
  const to = params.get("to");
  const preset = params.get("period");
  let period: UsagePeriod = "24h";
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)) && Date.parse(from) < Date.parse(to)) {
    period = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  } else if (preset && (periodPresets as readonly string[]).includes(preset)) period = preset as PeriodPreset;
  const dimension = params.get("dimension");
  return {
    period,
    dimension: dimensions.includes(dimension as UsageDimension) ? (dimension as UsageDimension) : "model",
    metric: params.get("metric") === "tokens" ? "tokens" : "requests",
  };
}

export function usageSearch(state: UsageState): string {
  const params = new URLSearchParams();
  if (typeof state.period === "string") {
    if (state.period !== "24h") params.set("period", state.period);
  } else {
    params.set("from", state.period.from);
    params.set("to", state.period.to);
  }
  if (state.dimension !== "model") params.set("dimension", state.dimension);
  if (state.metric !== "requests") params.set("metric", state.metric);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export default function UsagePage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const search = useSearch();
  const [, navigate] = useLocation();
  const state = parseUsageSearch(search);
  const set = (next: Partial<UsageState>) => navigate(`~/o/${orgId}/usage${usageSearch({ ...state, ...next })}`);
  const query = useQuery({
    ...trpc.events.usage.queryOptions({
      orgId,
      kind: ["interaction"],
      period: state.period,
      dimension: state.dimension,
    }),
    placeholderData: keepPreviousData,
  });

  const header = <PageHeader title="Usage" description="Requests, tokens, errors and feedback of AI interactions over time." />;
  const controls = (
    <div className="usage-controls">
      <PeriodPicker value={state.period} onChange={(period) => set({ period })} />
      <label className="usage-select">
        Split by{" "}
        <select value={state.dimension} onChange={(e) => set({ dimension: e.target.value as UsageDimension })}>
          {dimensions.map((d) => (
            <option key={d} value={d}>
              {dimensionLabels[d]}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="segmented">
        <legend className="visually-hidden">Show</legend>
        {(["requests", "tokens"] as const).map((m) => (
          <button
            key={m}
            type="button"
            className={state.metric === m ? "segment active" : "segment"}
            aria-pressed={state.metric === m}
            onClick={() => set({ metric: m })}
          >
            {m === "requests" ? "Requests" : "Tokens"}
          </button>
        ))}
      </fieldset>
    </div>
  );

  const waiting = queryState(query, {
    header: (
      <>
        {header}
        {controls}
      </>
    ),
    loading: "Loading usage…",
    noAccess: "read the logs of this organization",
  });
  if (waiting || !query.data) return waiting;
  const usage = query.data;

  return (
    <div className="usage-page" aria-busy={query.isFetching}>
      {header}
      {controls}
      <UsageCards orgId={orgId} usage={usage} period={state.period} />
      {usage.totals.requests === 0 ? (
        <EmptyState title="No interactions in this period">
          Pick a longer period, or send interactions with an API key (POST /v1/events).
        </EmptyState>
      ) : (
        <>
          <section className="panel" aria-labelledby="usage-over-time">
            <div className="usage-section-head">
              <h2 id="usage-over-time">
                {state.metric === "requests" ? "Requests" : "Tokens"} over time by{" "}
                {dimensionLabels[state.dimension].toLowerCase()}
              </h2>
              <span className="muted small">Click a bar to open those interactions</span>
            </div>
            <UsageLegend orgId={orgId} usage={usage} period={state.period} metric={state.metric} />
            <UsageBarChart orgId={orgId} usage={usage} metric={state.metric} />
          </section>
          <section className="panel" aria-labelledby="usage-errors">
            <div className="usage-section-head">
              <h2 id="usage-errors">Error rate</h2>
              <span className="muted small">Click a point to open the failed interactions</span>
            </div>
            <ErrorRateChart orgId={orgId} usage={usage} />
          </section>
          <div className="usage-tops">
            <UsageTopList
              orgId={orgId}
              title="Top users"
              column="User"
              items={usage.topUsers}
              period={state.period}
              filterOf={userFilter}
              testId="top-users"
            />
            <UsageTopList
              orgId={orgId}
              title="Top models"
              column="Model"
              items={usage.topModels}
              period={state.period}
              filterOf={(m) => ({ model: [m.value] })}
              testId="top-models"
            />
          </div>
        </>
      )}
    </div>
  );
}

function UsageCards({ orgId, usage, period }: { orgId: string; usage: Usage; period: UsagePeriod }) {
  const { totals } = usage;
  const rated = totals.positive + totals.negative;
  return (
    <div className="usage-cards" data-testid="usage-cards">
      <Card label="Requests" value={formatNumber(totals.requests)} />
      <Card
        label="Tokens"
        value={formatNumber(totals.totalTokens)}
        detail={`${formatNumber(totals.inputTokens)} in · ${formatNumber(totals.outputTokens)} out`}
      />
      <Card label="Users" value={formatNumber(totals.users)} />
      <Card
        label="Error rate"
        value={formatPercent(totals.errorRate)}
        detail={
          totals.errors ? (
            <Link href={`~${interactionsHref(orgId, period, { isError: true })}`}>{formatNumber(totals.errors)} failed</Link>
          ) : (
            "no failures"
          )
        }
      />
      <div className="usage-card" data-testid="sentiment-card">
        <span className="usage-card-label">Feedback</span>
        {rated === 0 ? (
          <span className="usage-card-value muted">No ratings</span>
        ) : (
          <>
            <span className="usage-card-value">
              {formatPercent(totals.positiveShare ?? 0)}
              <span className="usage-card-unit"> thumbs up</span>
            </span>
            <div className="sentiment-bar" aria-hidden="true">
              <span className="positive" style={{ width: `${(totals.positiveShare ?? 0) * 100}%` }} />
              <span className="negative" style={{ width: `${(totals.negativeShare ?? 0) * 100}%` }} />
            </div>
            <span className="usage-card-detail">
              <Link href={`~${interactionsHref(orgId, period, { sentiment: ["positive"] })}`}>
                {formatNumber(totals.positive)} up
              </Link>
              {" · "}
              <Link href={`~${interactionsHref(orgId, period, { sentiment: ["negative"] })}`}>
                {formatNumber(totals.negative)} down
              </Link>
              <span className="muted"> of {formatNumber(rated)} rated</span>
            </span>
          </>
        )}
      </div>
    </div>
  );
}

function Card({ label, value, detail }: { label: string; value: string; detail?: React.ReactNode }) {
  return (
    <div className="usage-card">
      <span className="usage-card-label">{label}</span>
      <span className="usage-card-value">{value}</span>
      {detail ? <span className="usage-card-detail">{detail}</span> : null}
    </div>
  );
}

function UsageLegend({
  orgId,
  usage,
  period,
  metric,
}: {
  orgId: string;
  usage: Usage;
  period: UsagePeriod;
  metric: UsageMetric;
}) {
  return (
    <ul className="usage-legend" aria-label="Legend">
      {usage.keys.map((key, i) => {
        const amount = metric === "requests" ? key.requests : key.tokens;
        const swatch = <span className="usage-swatch" style={{ background: keyColor(key, i) }} aria-hidden="true" />;
        const text = (
          <>
            {key.label} <span className="muted">{formatNumber(amount)}</span>
          </>
        );
        return (
          <li key={`${key.kind}-${key.value ?? ""}`}>
            {swatch}
            {key.kind === "value" ? (
              <Link href={`~${interactionsHref(orgId, period, valueFilter(usage.dimension, key))}`}>{text}</Link>
            ) : (
              <span>{text}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
