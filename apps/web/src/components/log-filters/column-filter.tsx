import type { AppRouter } from "@logbook/api/router";
import { optionFilterFields } from "@logbook/shared/filter-options";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useRef, useState } from "react";
import type { LogFilter } from "../../lib/log-url";
import { errorMessage, useTRPC } from "../../lib/trpc";
import type { LogColumn } from "../log-table/log-columns";
import { isSingleValued, rangeOf, selectedValues, withRange, withValues } from "./filter-values";
import { LogPopover } from "./log-popover";

type FilterOption = inferRouterOutputs<AppRouter>["events"]["options"]["values"][number];

/** The funnel button in a column header and its popover: values with counts, typed ids, or a range. */
export function ColumnFilterButton({
  column,
  filter,
  optionsInput,
  onChange,
}: {
  column: LogColumn;
  filter: LogFilter;
  /** The current filter as events.options takes it (orgId, kind, no paging). */
  optionsInput: Record<string, unknown> & { orgId: string };
  onChange: (next: LogFilter) => void;
}) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLButtonElement>(null);
  const spec = column.filter;
  if (!spec) return null;
  const active = spec.kind === "range" ? Object.keys(rangeOf(filter, spec)).length > 0 : selectedValues(filter, spec).length > 0;
  return (
    <>
      <button
        ref={anchor}
        type="button"
        className={active ? "log-filter-button active" : "log-filter-button"}
        aria-label={`Filter ${column.label}`}
        aria-expanded={open}
        aria-haspopup="dialog"
        title={`Filter ${column.label}`}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <path d="M1.5 2h13l-5 6v5l-3 1.5V8z" fill={active ? "currentColor" : "none"} stroke="currentColor" />
        </svg>
      </button>
      {open ? (
        <LogPopover anchor={anchor} label={`Filter ${column.label}`} onClose={() => setOpen(false)}>
          {spec.kind === "options" ? (
            <OptionsList column={column} filter={filter} optionsInput={optionsInput} onChange={onChange} />
          ) : spec.kind === "text" ? (
            <TextValues column={column} filter={filter} onChange={onChange} />
          ) : (
            <RangeForm column={column} filter={filter} onChange={onChange} />
          )}
        </LogPopover>
      ) : null}
    </>
  );
}

function OptionsList({
  column,
  filter,
  optionsInput,
  onChange,
}: {
  column: LogColumn;
  filter: LogFilter;
  optionsInput: Record<string, unknown> & { orgId: string };
  onChange: (next: LogFilter) => void;
}) {
  const spec = column.filter;
  const trpc = useTRPC();
  const [narrow, setNarrow] = useState("");
  const optionColumn = spec?.kind === "options" ? spec.column : "type";
  // The server ignores the column's own conditions; leaving them out of the input too keeps the
  // query (and the list on screen) the same while values are ticked.
  const input: Record<string, unknown> = { ...optionsInput };
  for (const field of optionFilterFields[optionColumn]) delete input[field];
  const options = useQuery({
    ...trpc.events.options.queryOptions({ ...(input as { orgId: string }), column: optionColumn, limit: 200 }),
    placeholderData: keepPreviousData,
  });
  if (spec?.kind !== "options") return null;
  const selected = selectedValues(filter, spec);
  const values: FilterOption[] = options.data?.values ?? [];
  // Selected values stay listed even when they no longer occur.
  const listed = [
    ...values,
    ...selected.filter((s) => !values.some((v) => String(v.value) === s)).map((s) => ({ value: s, count: 0 })),
  ].filter((v) => String(v.value).toLowerCase().includes(narrow.trim().toLowerCase()));
  const single = isSingleValued(spec);
  const toggle = (value: string) => {
    const on = selected.includes(value);
    const next = single ? (on ? [] : [value]) : on ? selected.filter((s) => s !== value) : [...selected, value];
    onChange(withValues(filter, spec, next));
  };

  return (
    <div className="log-popover-body">
      <input
        type="search"
        aria-label={`Find a ${column.label.toLowerCase()} value`}
        placeholder="Find a value…"
        value={narrow}
        onChange={(e) => setNarrow(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && spec.field === "type" && narrow.trim()) {
            // Event types also take a prefix (sync.*) that need not be listed.
            toggle(narrow.trim());
            setNarrow("");
          }
        }}
      />
      {options.isPending ? (
        <p className="muted small">Loading values…</p>
      ) : options.isError ? (
        <p className="form-error">{errorMessage(options.error)}</p>
      ) : listed.length === 0 ? (
        <p className="muted small">No values in this period.</p>
      ) : (
        <ul className="log-options" aria-label={`${column.label} values`}>
          {listed.map((option) => {
            const value = String(option.value);
            const text = spec.field === "isError" ? (value === "true" ? "error" : "no error") : value;
            return (
              <li key={value}>
                <label>
                  <input type="checkbox" checked={selected.includes(value)} onChange={() => toggle(value)} />
                  <span className="log-option-value" title={text}>
                    {text}
                  </span>
                  <span className="count">{option.count.toLocaleString("en")}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {selected.length > 0 ? (
        <button type="button" className="link-button" onClick={() => onChange(withValues(filter, spec, []))}>
          Clear {column.label.toLowerCase()} filter
        </button>
      ) : null}
    </div>
  );
}

function TextValues({ column, filter, onChange }: { column: LogColumn; filter: LogFilter; onChange: (next: LogFilter) => void }) {
  const spec = column.filter;
  const [draft, setDraft] = useState(() => (spec ? selectedValues(filter, spec).join(", ") : ""));
  if (!spec) return null;
  return (
    <form
      className="log-popover-body"
      onSubmit={(e) => {
        e.preventDefault();
        const values = draft
          .split(/[\n,]/)
          .map((v) => v.trim())
          .filter(Boolean);
        onChange(withValues(filter, spec, values));
      }}
    >
      <label className="field">
        <span>{column.label} (exact; several separated by commas)</span>
        <input value={draft} onChange={(e) => setDraft(e.target.value)} />
      </label>
      <div className="button-row">
        <button type="submit" className="button primary small">
          Apply
        </button>
        <button type="button" className="button small" onClick={() => onChange(withValues(filter, spec, []))}>
          Clear
        </button>
      </div>
    </form>
  );
}

function RangeForm({ column, filter, onChange }: { column: LogColumn; filter: LogFilter; onChange: (next: LogFilter) => void }) {
  const spec = column.filter;
  const current = spec ? rangeOf(filter, spec) : {};
  const [gte, setGte] = useState(current.gte?.toString() ?? "");
  const [lte, setLte] = useState(current.lte?.toString() ?? "");
  const [error, setError] = useState<string | null>(null);
  if (!spec) return null;
  const read = (v: string) => (v.trim() === "" ? undefined : Number(v));
  return (
    <form
      className="log-popover-body"
      onSubmit={(e) => {
        e.preventDefault();
        const range = { gte: read(gte), lte: read(lte) };
        const bad = [range.gte, range.lte].some((v) => v !== undefined && (!Number.isInteger(v) || v < 0));
        if (bad) return setError("Use whole numbers of at least 0.");
        if (range.gte !== undefined && range.lte !== undefined && range.gte > range.lte)
          return setError("The minimum must not exceed the maximum.");
        setError(null);
        onChange(withRange(filter, spec, range));
      }}
    >
      <div className="log-range">
        <label className="field">
          <span>At least</span>
          <input inputMode="numeric" value={gte} onChange={(e) => setGte(e.target.value)} />
        </label>
        <label className="field">
          <span>At most</span>
          <input inputMode="numeric" value={lte} onChange={(e) => setLte(e.target.value)} />
        </label>
      </div>
      {error ? <p className="form-error">{error}</p> : null}
      <div className="button-row">
        <button type="submit" className="button primary small">
          Apply
        </button>
        <button type="button" className="button small" onClick={() => onChange(withRange(filter, spec, {}))}>
          Clear
        </button>
      </div>
    </form>
  );
}
