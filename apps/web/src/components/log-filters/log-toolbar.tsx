import { type MetadataOp, metadataOps, type Period, periodPresets } from "@logbook/shared/filters";
import { useEffect, useRef, useState } from "react";
import type { LogFilter } from "../../lib/log-url";
import type { LogColumn } from "../log-table/log-columns";
import { filterChips } from "./filter-values";
import { LogPopover } from "./log-popover";

const presetLabels: Record<string, string> = {
  "1h": "Last hour",
  "6h": "Last 6 hours",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  all: "All time",
};
const CUSTOM = "custom";

/** Period, free-text search, metadata conditions, column chooser; below, the active filters as chips. */
export function LogToolbar({
  filter,
  columns,
  visible,
  onChange,
  onColumnsChange,
  canSearch,
  search,
}: {
  filter: LogFilter;
  columns: LogColumn[];
  visible: Set<string>;
  onChange: (next: LogFilter) => void;
  onColumnsChange: (visible: Set<string>) => void;
  canSearch: boolean;
  /** What the free-text box searches: question and answer text, or the actor (partial match). */
  search: "content" | "actor" | "none";
}) {
  const chips = filterChips(filter, columns);
  return (
    <div className="log-toolbar">
      <div className="log-toolbar-row">
        <PeriodPicker period={filter.period} onChange={(period) => onChange({ ...filter, period })} />
        {search === "content" && canSearch ? (
          <SearchBox
            label="Search questions and answers"
            value={filter.search ?? ""}
            onSearch={(text) => onChange(withSearch(filter, text))}
          />
        ) : search === "actor" ? (
          <SearchBox
            label="Find people by name, email or id"
            value={filter.actor ?? ""}
            onSearch={(text) => onChange(withActor(filter, text))}
          />
        ) : null}
        <MetadataFilter onAdd={(c) => onChange({ ...filter, metadata: [...(filter.metadata ?? []), c] })} />
        <div className="log-toolbar-end">
          <ColumnChooser columns={columns} visible={visible} onChange={onColumnsChange} />
        </div>
      </div>
      {chips.length > 0 ? (
        <ul className="log-chips" aria-label="Active filters">
          {chips.map((chip) => (
            <li key={chip.key} className="log-chip">
              <span className="muted">{chip.label}:</span> <span title={chip.text}>{chip.text}</span>
              <button
                type="button"
                className="log-chip-remove"
                aria-label={`Remove filter ${chip.label}: ${chip.text}`}
                onClick={() => onChange(chip.remove(filter))}
              >
                ×
              </button>
            </li>
          ))}
          <li>
            <button
              type="button"
              className="link-button"
              onClick={() => onChange({ period: filter.period, order: filter.order, search: filter.search })}
            >
              Clear all
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}

function withActor(filter: LogFilter, actor: string): LogFilter {
  const next = { ...filter, actor: actor.trim() || undefined };
  if (next.actor === undefined) delete next.actor;
  return next;
}

function withSearch(filter: LogFilter, search: string): LogFilter {
  const next = { ...filter, search: search.trim() || undefined };
  if (next.search === undefined) delete next.search;
  return next;
}

/** ISO → the value of a datetime-local input (local time). */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function PeriodPicker({ period, onChange }: { period: Period; onChange: (period: Period) => void }) {
  const custom = typeof period !== "string";
  const [editing, setEditing] = useState(false);
  const anchor = useRef<HTMLSelectElement>(null);
  const now = Date.now();
  const [from, setFrom] = useState(() => toLocalInput(custom ? period.from : new Date(now - 86_400_000).toISOString()));
  const [to, setTo] = useState(() => toLocalInput(custom ? period.to : new Date(now).toISOString()));
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <label className="log-period">
        <span className="visually-hidden">Period</span>
        <select
          ref={anchor}
          aria-label="Period"
          value={custom ? CUSTOM : period}
          onChange={(e) => {
            const value = e.target.value;
            if (value === CUSTOM) setEditing(true);
            else onChange(value as Period);
          }}
        >
          {periodPresets.map((p) => (
            <option key={p} value={p}>
              {presetLabels[p]}
            </option>
          ))}
          <option value={CUSTOM}>{custom ? `${formatShort(period.from)} – ${formatShort(period.to)}` : "Custom range…"}</option>
        </select>
      </label>
      {custom ? (
        <button type="button" className="button small" onClick={() => setEditing(true)}>
          Edit range
        </button>
      ) : null}
      {editing ? (
        <LogPopover anchor={anchor} label="Custom range" onClose={() => setEditing(false)} width={300}>
          <form
            className="log-popover-body"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new Date(from);
              const t = new Date(to);
              if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime())) return setError("Enter both ends.");
              if (f >= t) return setError("From must be before to.");
              setError(null);
              setEditing(false);
              onChange({ from: f.toISOString(), to: t.toISOString() });
            }}
          >
            <label className="field">
              <span>From (local time)</span>
              <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label className="field">
              <span>To (local time)</span>
              <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
            {error ? <p className="form-error">{error}</p> : null}
            <div className="button-row">
              <button type="submit" className="button primary small">
                Apply range
              </button>
            </div>
          </form>
        </LogPopover>
      ) : null}
    </>
  );
}

function formatShort(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString("en", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** Applies after a pause in typing or on Enter; follows the URL when it changes (Back). */
function SearchBox({ label, value, onSearch }: { label: string; value: string; onSearch: (search: string) => void }) {
  const [draft, setDraft] = useState(value);
  const last = useRef(value);
  // The latest callback, so a parent re-render does not restart the pause.
  const search = useRef(onSearch);
  search.current = onSearch;
  useEffect(() => {
    setDraft(value);
    last.current = value;
  }, [value]);
  useEffect(() => {
    if (draft === last.current) return;
    const timer = setTimeout(() => {
      last.current = draft;
      search.current(draft);
    }, 500);
    return () => clearTimeout(timer);
  }, [draft]);
  return (
    <search>
      <form
        className="log-search"
        onSubmit={(e) => {
          e.preventDefault();
          last.current = draft;
          onSearch(draft);
        }}
      >
        <input
          type="search"
          aria-label={label}
          placeholder={`${label}…`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
      </form>
    </search>
  );
}

function MetadataFilter({ onAdd }: { onAdd: (condition: NonNullable<LogFilter["metadata"]>[number]) => void }) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLButtonElement>(null);
  const [path, setPath] = useState("");
  const [op, setOp] = useState<MetadataOp>("eq");
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button ref={anchor} type="button" className="button small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        + Metadata filter
      </button>
      {open ? (
        <LogPopover anchor={anchor} label="Metadata filter" onClose={() => setOpen(false)} width={320}>
          <form
            className="log-popover-body"
            onSubmit={(e) => {
              e.preventDefault();
              const segments = path.split(".").map((s) => s.trim());
              if (segments.some((s) => s === "" || /[[\]]/.test(s))) return setError("Name a key, e.g. customer.plan");
              if (op === "exists") onAdd({ path: segments, op, value: value !== "false" });
              else if (op !== "eq") {
                if (value.trim() === "" || !Number.isFinite(Number(value))) return setError(`${op} needs a number`);
                onAdd({ path: segments, op, value: Number(value) });
              } else {
                if (value === "") return setError("Enter a value");
                onAdd({ path: segments, op, value });
              }
              setError(null);
              setOpen(false);
            }}
          >
            <label className="field">
              <span>Key (dots for nesting)</span>
              <input value={path} placeholder="customer.plan" onChange={(e) => setPath(e.target.value)} />
            </label>
            <label className="field">
              <span>Condition</span>
              <select value={op} onChange={(e) => setOp(e.target.value as MetadataOp)}>
                {metadataOps.map((o) => (
                  <option key={o} value={o}>
                    {{ eq: "equals", exists: "exists", gt: ">", gte: "≥", lt: "<", lte: "≤" }[o]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{op === "exists" ? "true or false" : "Value"}</span>
              <input value={value} onChange={(e) => setValue(e.target.value)} />
            </label>
            {error ? <p className="form-error">{error}</p> : null}
            <div className="button-row">
              <button type="submit" className="button primary small">
                Add filter
              </button>
            </div>
          </form>
        </LogPopover>
      ) : null}
    </>
  );
}

function ColumnChooser({
  columns,
  visible,
  onChange,
}: {
  columns: LogColumn[];
  visible: Set<string>;
  onChange: (visible: Set<string>) => void;
}) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={anchor} type="button" className="button small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Columns ({visible.size}/{columns.length})
      </button>
      {open ? (
        <LogPopover anchor={anchor} label="Choose columns" onClose={() => setOpen(false)} width={240}>
          <ul className="log-options log-columns-list">
            {columns.map((c) => (
              <li key={c.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={visible.has(c.id)}
                    disabled={c.id === "time"}
                    onChange={() => {
                      const next = new Set(visible);
                      if (next.has(c.id)) next.delete(c.id);
                      else next.add(c.id);
                      onChange(next);
                    }}
                  />
                  <span>{c.label}</span>
                </label>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="link-button"
            onClick={() => onChange(new Set(columns.filter((c) => !c.hidden).map((c) => c.id)))}
          >
            Reset to default columns
          </button>
        </LogPopover>
      ) : null}
    </>
  );
}
