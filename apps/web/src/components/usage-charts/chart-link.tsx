import type { MouseEvent, ReactNode } from "react";
import { useLocation } from "wouter";

/**
 * A link inside an SVG chart (a bar segment or a point): focusable, named, and navigating inside the
 * app on a plain click (modified clicks open a new tab as links do).
 */
export function ChartLink({
  href,
  label,
  children,
  testId,
}: {
  href: string;
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  const [, navigate] = useLocation();
  function onClick(event: MouseEvent) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(`~${href}`);
  }
  return (
    <a href={href} aria-label={label} onClick={onClick} className="chart-link" data-testid={testId}>
      <title>{label}</title>
      {children}
    </a>
  );
}

/** Round numbers for an axis from 0 to at least `max`: [0, step, 2·step, …]. */
export function niceTicks(max: number, count = 4, integers = true): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  // Counts step by whole numbers (a step of 2.5 becomes 3 only below 10, where 2.5 is not whole).
  const step = integers ? Math.max(1, Number.isInteger(nice) ? nice : Math.ceil(nice)) : nice;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks.length < 2 ? [0, step] : ticks;
}
