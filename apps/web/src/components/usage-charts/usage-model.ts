import type { AppRouter } from "@logbook/api/router";
import type { EventFilterInput, PeriodPreset } from "@logbook/shared/filters";
import type { inferRouterOutputs } from "@trpc/server";
import { logViewHref } from "../../lib/log-url";

/** The usage page's data and the log-view links it drills into. */

export type Usage = inferRouterOutputs<AppRouter>["events"]["usage"];
export type UsageKey = Usage["keys"][number];
export type UsageBucket = Usage["series"][number];
export type UsageTop = Usage["topUsers"][number];
export type UsageDimension = Usage["dimension"];
export type UsageMetric = "requests" | "tokens";
export type UsagePeriod = PeriodPreset | { from: string; to: string };

export const dimensionLabels: Record<UsageDimension, string> = {
  model: "Model",
  user: "User",
  agent: "Agent",
  source: "Source",
};

/** Series colours (colour-blind friendly order); "none" and "other" are greys. */
const palette = [
  "#4f46e5",
  "#0891b2",
  "#d97706",
  "#db2777",
  "#16a34a",
  "#7c3aed",
  "#dc2626",
  "#0d9488",
  "#ca8a04",
  "#2563eb",
  "#9333ea",
  "#65a30d",
];
export function keyColor(key: UsageKey, index: number): string {
  if (key.kind === "other") return "#a1a1aa";
  if (key.kind === "none") return "#d4d4d8";
  return palette[index % palette.length]!;
}

/** The filter that selects one value of the dimension; none for "none"/"other" (not expressible). */
export function valueFilter(
  dimension: UsageDimension,
  key: Pick<UsageKey, "kind" | "value" | "byActorId">,
): Partial<EventFilterInput> {
  if (key.kind !== "value" || key.value === null) return {};
  switch (dimension) {
    case "model":
      return { model: [key.value] };
    case "agent":
      return { agent: [key.value] };
    case "source":
      return { source: [key.value] };
    case "user":
      return key.byActorId ? { actorId: [key.value] } : { actor: key.value };
  }
}

/** The user filter of a top user (actor id, else the email as a partial actor match). */
export function userFilter(user: UsageTop): Partial<EventFilterInput> {
  return user.byActorId ? { actorId: [user.value] } : { actor: user.value };
}

/** One bucket as a custom period [start, start + size). */
export function bucketPeriod(bucket: Pick<UsageBucket, "start">, bucketSeconds: number): { from: string; to: string } {
  const from = new Date(bucket.start);
  return { from: from.toISOString(), to: new Date(from.getTime() + bucketSeconds * 1000).toISOString() };
}

/** The interactions log view over `period` with `filter`. */
export function interactionsHref(orgId: string, period: UsagePeriod, filter: Partial<EventFilterInput> = {}): string {
  return logViewHref(orgId, "interactions", { period, ...filter });
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A bucket's start as a short label: "14:30" within a day's buckets, "Mar 4" for days, "Mar 4 12:00" between. */
export function bucketLabel(iso: string, bucketSeconds: number): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString("en", { month: "short", day: "numeric" });
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (bucketSeconds >= 86_400) return day;
  if (bucketSeconds >= 3600) return `${day} ${time}`;
  return time;
}

/** "Mar 4, 14:30 – 14:45" for a bucket, in local time. */
export function bucketRangeLabel(iso: string, bucketSeconds: number): string {
  const from = new Date(iso);
  const to = new Date(from.getTime() + bucketSeconds * 1000);
  const day = (d: Date) => d.toLocaleDateString("en", { month: "short", day: "numeric" });
  const time = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (bucketSeconds >= 86_400) return bucketSeconds === 86_400 ? day(from) : `${day(from)} – ${day(to)}`;
  return day(from) === day(to)
    ? `${day(from)}, ${time(from)} – ${time(to)}`
    : `${day(from)} ${time(from)} – ${day(to)} ${time(to)}`;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
export const formatCompact = (n: number) => compact.format(n);
export const formatNumber = (n: number) => n.toLocaleString("en");
export const formatPercent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0).replace(/\.0$/, "")}%`;
