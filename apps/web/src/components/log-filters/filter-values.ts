import type { MetadataCondition, Range } from "@logbook/shared/filters";
import type { LogFilter } from "../../lib/log-url";
import type { ColumnFilter, LogColumn } from "../log-table/log-columns";

/** Pure helpers between a column's filter control and the URL's filter. */

type Fields = Record<string, unknown>;

/** The values a column's filter has selected, as strings. */
export function selectedValues(filter: LogFilter, spec: ColumnFilter): string[] {
  if (spec.kind === "range") return [];
  const value = (filter as Fields)[spec.field];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** `filter` with the column's values replaced (none: the condition is removed). */
export function withValues(filter: LogFilter, spec: ColumnFilter, values: string[]): LogFilter {
  const next = { ...filter } as Fields;
  if (spec.kind === "range") return filter;
  const field = spec.field;
  if (values.length === 0) delete next[field];
  else if (field === "isError") next[field] = values[values.length - 1] === "true";
  else if (field === "actor") next[field] = values[values.length - 1];
  else next[field] = values;
  return next as LogFilter;
}

/** Single-valued fields: choosing a value replaces the previous one. */
export function isSingleValued(spec: ColumnFilter): boolean {
  return spec.kind === "options" && (spec.field === "actor" || spec.field === "isError");
}

export function rangeOf(filter: LogFilter, spec: ColumnFilter): Range {
  if (spec.kind !== "range") return {};
  return filter[spec.field] ?? {};
}

export function withRange(filter: LogFilter, spec: ColumnFilter, range: Range): LogFilter {
  if (spec.kind !== "range") return filter;
  const next = { ...filter };
  if (range.gte === undefined && range.lte === undefined) delete next[spec.field];
  else next[spec.field] = range;
  return next;
}

export interface FilterChip {
  key: string;
  label: string;
  text: string;
  remove: (filter: LogFilter) => LogFilter;
}

const fallbackLabels: Record<string, string> = {
  kind: "Kind",
  type: "Type",
  status: "Status",
  actor: "Actor",
  actorId: "Actor id",
  targetName: "Object name",
  targetVersion: "Version",
  element: "Element",
  sessionId: "Chat session",
  interactionId: "Interaction id",
  conversationId: "Conversation id",
  personId: "Person id",
  traceId: "Trace id",
  model: "Model",
  agent: "Agent",
  source: "Source",
  platform: "Platform",
  protocol: "Protocol",
  occurredIn: "Occurred in",
  productArea: "Product area",
  tier: "Tier",
  responseType: "Response type",
  intent: "Intent",
  sentiment: "Sentiment",
  isError: "Error",
  inputTokens: "Input tokens",
  outputTokens: "Output tokens",
  totalTokens: "Total tokens",
};

const skip = new Set(["period", "order", "search", "metadata", "kind"]);

export function metadataText(c: MetadataCondition): string {
  const path = c.path.join(".");
  if (c.op === "exists") return `${path} ${c.value === false ? "is missing" : "exists"}`;
  const op = { eq: "=", gt: ">", gte: "≥", lt: "<", lte: "≤" }[c.op];
  return `${path} ${op} ${String(c.value)}`;
}

/** One chip per active condition (column filters, metadata), labelled by this view's columns. */
export function filterChips(filter: LogFilter, columns: LogColumn[]): FilterChip[] {
  const labels = new Map<string, string>(Object.entries(fallbackLabels));
  for (const column of columns) if (column.filter) labels.set(column.filter.field, column.label);
  const chips: FilterChip[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (skip.has(field) || value === undefined) continue;
    let text: string;
    if (Array.isArray(value)) text = value.join(", ");
    else if (typeof value === "object" && value !== null) {
      const r = value as Range;
      text = [r.gte !== undefined ? `≥ ${r.gte}` : "", r.lte !== undefined ? `≤ ${r.lte}` : ""].filter(Boolean).join(" and ");
    } else text = field === "isError" ? (value ? "yes" : "no") : String(value);
    chips.push({
      key: field,
      label: labels.get(field) ?? field,
      text,
      remove: (f) => {
        const next = { ...f } as Fields;
        delete next[field];
        return next as LogFilter;
      },
    });
  }
  (filter.metadata ?? []).forEach((condition, index) => {
    chips.push({
      key: `metadata-${index}`,
      label: "Metadata",
      text: metadataText(condition),
      remove: (f) => {
        const { metadata, ...others } = f;
        const rest = (metadata ?? []).filter((_, i) => i !== index);
        return rest.length === 0 ? others : { ...others, metadata: rest };
      },
    });
  });
  return chips;
}
