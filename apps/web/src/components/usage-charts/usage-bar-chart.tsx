import {
  bucketLabel,
  bucketPeriod,
  bucketRangeLabel,
  formatCompact,
  formatNumber,
  interactionsHref,
  keyColor,
  type Usage,
  type UsageMetric,
  valueFilter,
} from "./usage-model";
import { ChartLink, niceTicks } from "./chart-link";
import { useWidth } from "./use-width";

/**
 * Requests or tokens over time as stacked bars, one colour per value of the dimension. Each segment
 * is a link to the interactions log view filtered to that bucket and value, named for screen readers.
 */

const HEIGHT = 240;
const MARGIN = { top: 10, right: 8, bottom: 26, left: 48 };

export function UsageBarChart({ orgId, usage, metric }: { orgId: string; usage: Usage; metric: UsageMetric }) {
  const [ref, width] = useWidth<HTMLElement>();
  const { series, keys, bucketSeconds, dimension } = usage;
  const values = (b: Usage["series"][number]) => (metric === "requests" ? b.requestsByKey : b.tokensByKey);
  const max = Math.max(0, ...series.map((b) => (metric === "requests" ? b.requests : b.tokens)));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1]!;
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = series.length ? innerWidth / series.length : innerWidth;
  const barWidth = Math.max(1, slot * (slot > 6 ? 0.8 : 1) - (slot > 3 ? 1 : 0));
  const y = (v: number) => MARGIN.top + innerHeight - (v / top) * innerHeight;
  const labelEvery = Math.max(1, Math.ceil(series.length / Math.max(2, Math.floor(innerWidth / 80))));
  const unit = metric === "requests" ? "requests" : "tokens";
  const title = `${metric === "requests" ? "Requests" : "Tokens"} over time by ${dimension}`;

  return (
    <figure ref={ref} className="usage-chart" data-testid="usage-bar-chart" aria-label={title}>
      <svg width={width} height={HEIGHT}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={t} className="chart-grid">
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {formatCompact(t)}
            </text>
          </g>
        ))}
        {series.map((bucket, i) => {
          const x = MARGIN.left + i * slot + (slot - barWidth) / 2;
          const period = bucketPeriod(bucket, bucketSeconds);
          const range = bucketRangeLabel(bucket.start, bucketSeconds);
          let stacked = 0;
          return (
            <g key={bucket.start} data-bucket={bucket.start}>
              {values(bucket).map((v, k) => {
                if (v <= 0) return null;
                const key = keys[k]!;
                const y0 = y(stacked);
                stacked += v;
                const y1 = y(stacked);
                const label = `${key.label}: ${formatNumber(v)} ${v === 1 ? unit.slice(0, -1) : unit}, ${range}. Open these interactions`;
                return (
                  <ChartLink
                    key={`${bucket.start}-${k}`}
                    href={interactionsHref(orgId, period, valueFilter(dimension, key))}
                    label={label}
                    testId={`bar-${i}-${k}`}
                  >
                    <rect x={x} y={y1} width={barWidth} height={Math.max(1, y0 - y1)} fill={keyColor(key, k)} />
                  </ChartLink>
                );
              })}
              {i % labelEvery === 0 ? (
                <text className="chart-axis" x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle">
                  {bucketLabel(bucket.start, bucketSeconds)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line className="chart-baseline" x1={MARGIN.left} x2={width - MARGIN.right} y1={y(0)} y2={y(0)} />
      </svg>
    </figure>
  );
}
