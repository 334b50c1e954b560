import { type PeriodPreset, periodPresets } from "@logbook/shared/filters";
import { type FormEvent, useState } from "react";
import type { UsagePeriod } from "./usage-model";

/** Period presets (1h … all) as toggle buttons, and a custom range in local time. */

const presetLabels: Record<PeriodPreset, string> = {
  "1h": "1h",
  "6h": "6h",
  "24h": "24h",
  "7d": "7d",
  "30d": "30d",
  all: "All",
};

const pad = (n: number) => String(n).padStart(2, "0");
/** ISO → the value of a datetime-local input (local time). */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function PeriodPicker({ value, onChange }: { value: UsagePeriod; onChange: (period: UsagePeriod) => void }) {
  const custom = typeof value !== "string";
  const [editing, setEditing] = useState(false);
  const now = Date.now();
  const [from, setFrom] = useState(() => toLocalInput(custom ? value.from : new Date(now - 86_400_000).toISOString()));
  const [to, setTo] = useState(() => toLocalInput(custom ? value.to : new Date(now).toISOString()));
  const [error, setError] = useState<string | null>(null);

  function apply(event: FormEvent) {
    event.preventDefault();
    const f = new Date(from);
    const t = new Date(to);
    if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime())) return setError("Enter both dates.");
    if (f >= t) return setError("From must be before to.");
    setError(null);
    setEditing(false);
    onChange({ from: f.toISOString(), to: t.toISOString() });
  }

  return (
    <div className="period-picker">
      <fieldset className="segmented">
        <legend className="visually-hidden">Period</legend>
        {periodPresets.map((preset) => (
          <button
            key={preset}
            type="button"
            className={value === preset ? "segment active" : "segment"}
            aria-pressed={value === preset}
            onClick={() => {
              setEditing(false);
              onChange(preset);
            }}
          >
            {presetLabels[preset]}
          </button>
        ))}
        <button
          type="button"
          className={custom || editing ? "segment active" : "segment"}
          aria-pressed={custom}
          aria-expanded={editing}
          onClick={() => setEditing(!editing)}
        >
          {custom ? `${toLocalInput(value.from).replace("T", " ")} – ${toLocalInput(value.to).replace("T", " ")}` : "Custom"}
        </button>
      </fieldset>
      {editing ? (
        <form className="custom-period" onSubmit={apply}>
          <label>
            From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label>
            To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
          <button type="submit" className="button small primary">
            Apply
          </button>
          {error ? (
            <span className="form-error" role="alert">
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
