import type { OptionColumn } from "@logbook/shared/filter-options";
import type { ExactFilterField, RangeFilterField, TokenFilterField } from "@logbook/shared/filters";
import type { ReactNode } from "react";
import type { LogView } from "../../lib/log-url";
import {
  Actor,
  Details,
  Duration,
  ErrorFlag,
  type LogEvent,
  Num,
  PerformedBy,
  RelativeTime,
  Sentiment,
  StatusBadge,
  Target,
  Text,
  toolCallSummary,
  totalTokens,
} from "./log-cells";

/**
 * How a column is filtered:
 * - options: a dropdown of the values that occur (events.options) setting `field`;
 * - text: typed exact values (ids, IPs and tool names, which have no dropdown);
 * - range: a whole-number range (gte / lte): tokens, duration.
 */
export type ColumnFilter =
  | { kind: "options"; column: OptionColumn; field: OptionField }
  | { kind: "text"; field: ExactFilterField | "toolName" }
  | { kind: "range"; field: RangeFilterField };

/** The filter fields a dropdown can set. `actor` is a single partial match, `isError` a boolean. */
export type OptionField = ExactFilterField | "type" | "protocol" | "actor" | "isError";

export interface LogColumn {
  id: string;
  label: string;
  /** Width in pixels (the table has fixed layout so scrolling never re-measures). */
  width: number;
  render: (event: LogEvent) => ReactNode;
  filter?: ColumnFilter;
  numeric?: boolean;
  /** Shown until the user chooses otherwise. */
  hidden?: boolean;
}

const options = (column: OptionColumn, field: OptionField = column as OptionField): ColumnFilter => ({
  kind: "options",
  column,
  field,
});

const time: LogColumn = { id: "time", label: "Time", width: 130, render: (e) => <RelativeTime iso={e.occurredAt} /> };
const status: LogColumn = {
  id: "status",
  label: "Status",
  width: 100,
  render: (e) => <StatusBadge status={e.status} />,
  filter: options("status"),
};
const source: LogColumn = {
  id: "source",
  label: "Source",
  width: 130,
  render: (e) => <Text value={e.source} />,
  filter: options("source"),
};
const details: LogColumn = { id: "details", label: "Details", width: 260, render: (e) => <Details event={e} /> };
const traceId: LogColumn = {
  id: "traceId",
  label: "Trace id",
  width: 160,
  render: (e) => <Text value={e.traceId} mono />,
  filter: { kind: "text", field: "traceId" },
  hidden: true,
};
const actorId: LogColumn = {
  id: "actorId",
  label: "Actor id",
  width: 160,
  render: (e) => <Text value={e.actorId} mono />,
  filter: { kind: "text", field: "actorId" },
  hidden: true,
};
const code = (value: string) => <code className="action">{value}</code>;

const userActivity: LogColumn[] = [
  time,
  { id: "actor", label: "Actor", width: 240, render: (e) => <Actor event={e} />, filter: options("actor") },
  { id: "action", label: "Action", width: 190, render: (e) => code(e.type), filter: options("type") },
  { id: "target", label: "Target", width: 200, render: (e) => <Target event={e} />, filter: options("targetName") },
  status,
  { id: "ip", label: "IP", width: 130, render: (e) => <Text value={e.ip} mono />, filter: { kind: "text", field: "ip" } },
  details,
  { ...source, hidden: true },
  actorId,
  traceId,
];

const system: LogColumn[] = [
  time,
  { id: "event", label: "Event", width: 210, render: (e) => code(e.type), filter: options("type") },
  status,
  source,
  {
    id: "duration",
    label: "Duration",
    width: 100,
    numeric: true,
    render: (e) => <Duration ms={e.durationMs} />,
    filter: { kind: "range", field: "durationMs" },
  },
  { ...details, width: 320 },
  { id: "actor", label: "Actor", width: 200, render: (e) => <Actor event={e} />, filter: options("actor"), hidden: true },
  { id: "target", label: "Target", width: 180, render: (e) => <Target event={e} />, filter: options("targetName"), hidden: true },
  traceId,
];

const text = (id: keyof LogEvent & ExactFilterField, label: string, width: number, hidden = false): LogColumn => ({
  id,
  label,
  width,
  render: (e) => <Text value={e[id] as string | null} mono />,
  filter: { kind: "text", field: id },
  hidden,
});
const plain = (id: keyof LogEvent & OptionColumn, label: string, width: number, hidden = false): LogColumn => ({
  id,
  label,
  width,
  render: (e) => <Text value={e[id] as string | null} />,
  filter: options(id),
  hidden,
});
const tokens = (id: TokenFilterField, label: string, value: (e: LogEvent) => number | null, hidden = false): LogColumn => ({
  id,
  label,
  width: 118,
  numeric: true,
  render: (e) => <Num value={value(e)} />,
  filter: { kind: "range", field: id },
  hidden,
});

const interactions: LogColumn[] = [
  time,
  { id: "eventName", label: "Event name", width: 160, render: (e) => code(e.type), filter: options("type") },
  { id: "user", label: "User", width: 190, render: (e) => <Actor event={e} />, filter: options("actor") },
  { ...plain("sessionId", "Chat session", 130), render: (e) => <Text value={e.sessionId} mono /> },
  plain("model", "Model", 140),
  plain("agent", "Agent", 110),
  { ...source, width: 110 },
  plain("platform", "Platform", 100, true),
  plain("protocol", "Protocol", 84, true),
  plain("productArea", "Product area", 120, true),
  plain("tier", "Tier", 70, true),
  tokens("inputTokens", "Input tokens", (e) => e.inputTokens, true),
  tokens("outputTokens", "Output tokens", (e) => e.outputTokens, true),
  tokens("totalTokens", "Total tokens", totalTokens),
  plain("responseType", "Response type", 140),
  plain("intent", "Intent", 110),
  { id: "isError", label: "Error", width: 70, render: (e) => <ErrorFlag value={e.isError} />, filter: options("isError") },
  {
    id: "sentiment",
    label: "Sentiment",
    width: 84,
    render: (e) => <Sentiment value={e.sentiment} />,
    filter: options("sentiment"),
  },
  {
    id: "toolCalls",
    label: "Tool calls",
    width: 280,
    render: (e) => <Text value={toolCallSummary(e)} />,
    filter: { kind: "text", field: "toolName" },
  },
  { ...status, hidden: true },
  plain("occurredIn", "Occurred in", 110, true),
  { ...plain("targetName", "Object name", 150, true) },
  { ...plain("targetVersion", "Version", 90, true) },
  plain("element", "Element", 120, true),
  {
    id: "performedBy",
    label: "Performed by",
    width: 170,
    render: (e) => <PerformedBy event={e} />,
    filter: options("actor"),
    hidden: true,
  },
  text("personId", "Person id", 130, true),
  text("interactionId", "Interaction id", 140, true),
  text("conversationId", "Conversation id", 140, true),
  traceId,
  { ...details, hidden: true },
];

export const logColumns: Record<LogView, LogColumn[]> = {
  "user-activity": userActivity,
  system,
  interactions,
};

/** What each view lists: the event kind behind it. */
export const viewKind = {
  "user-activity": "user_activity",
  system: "system",
  interactions: "interaction",
} as const satisfies Record<LogView, string>;

export const viewTitle: Record<LogView, { title: string; description: string }> = {
  "user-activity": {
    title: "User activity",
    description: "Who did what, when: sign-ins, member changes and every other action people took.",
  },
  system: { title: "System", description: "What the platform did on its own: syncs, alerts, retention, exports." },
  interactions: {
    title: "Interactions",
    description: "Every AI and automation interaction: who asked, which model and agent answered, what it cost.",
  },
};
