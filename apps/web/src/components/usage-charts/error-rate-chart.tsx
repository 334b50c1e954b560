import { ChartLink } from "./chart-link";
import {
  bucketLabel,
  bucketPeriod,
  bucketRangeLabel,
  formatNumber,
  formatPercent,
  interactionsHref,
  type Usage,
} from "./usage-model";
import { useWidth } from "./use-width";

/**
 * The share of failed requests per bucket as a line; each bucket with requests is a point linking to
 * its failed interactions.
 */

const HEIGHT = 140;
const MARGIN = { top: 10, right: 8, bottom: 24, left: 48 };

export function ErrorRateChart({ orgId, usage }: { orgId: string; usage: Usage }) {
  const [ref, width] = useWidth<HTMLElement>();
  const { series, bucketSeconds } = usage;
  const rates = series.map((b) => (b.requests ? b.errors / b.requests : null));
  const max = Math.max(0.05, ...rates.map((r) => r ?? 0));
  const top = max > 0.5 ? 1 : Math.ceil(max * 20) / 20; // a multiple of 5 %
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = series.length ? innerWidth / series.length : innerWidth;
  const x = (i: number) => MARGIN.left + i * slot + slot / 2;
  const y = (r: number) => MARGIN.top + innerHeight - (r / top) * innerHeight;
  const points = rates.flatMap((r, i) => (r === null ? [] : [`${x(i)},${y(r)}`]));
  const labelEvery = Math.max(1, Math.ceil(series.length / Math.max(2, Math.floor(innerWidth / 80))));

  return (
    <figure ref={ref} className="usage-chart" data-testid="error-rate-chart" aria-label="Error rate over time">
      <svg width={width} height={HEIGHT}>
        <title>Error rate over time</title>
        {[0, top / 2, top].map((t) => (
          <g key={t} className="chart-grid">
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {formatPercent(t)}
            </text>
          </g>
        ))}
        {points.length > 1 ? <polyline className="chart-line" points={points.join(" ")} /> : null}
        {series.map((bucket, i) => {
          const rate = rates[i];
          const label = i % labelEvery === 0 ? bucketLabel(bucket.start, bucketSeconds) : null;
          return (
            <g key={bucket.start}>
              {rate !== null && rate !== undefined ? (
                <ChartLink
                  href={interactionsHref(orgId, bucketPeriod(bucket, bucketSeconds), { isError: true })}
                  label={`Error rate ${formatPercent(rate)} (${formatNumber(bucket.errors)} of ${formatNumber(
                    bucket.requests,
                  )}), ${bucketRangeLabel(bucket.start, bucketSeconds)}. Open the failed interactions`}
                  testId={`error-point-${i}`}
                >
                  <circle
                    cx={x(i)}
                    cy={y(rate)}
                    r={bucket.errors ? 4 : 2.5}
                    className={bucket.errors ? "chart-point error" : "chart-point"}
                  />
                </ChartLink>
              ) : null}
              {label ? (
                <text className="chart-axis" x={x(i)} y={HEIGHT - 6} textAnchor="middle">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
