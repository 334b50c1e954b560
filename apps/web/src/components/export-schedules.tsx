import { scheduleFrequencies } from "@logbook/shared/export-schedule";
import { parseDeepObjectQuery } from "@logbook/shared/filters";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { formatUtc } from "../lib/format";
import { filterToSearchParams } from "../lib/log-url";
import { errorMessage, useTRPC } from "../lib/trpc";
import { CopyField } from "./copy-field";
import { EmptyState, FormError } from "./states";

/** " · model=…&is_error=true" for a schedule's filters beyond the kind, or nothing. */
function describeFilter(filter: Parameters<typeof filterToSearchParams>[0]): string {
  const params = filterToSearchParams({ ...filter, kind: undefined }).toString();
  return params ? ` · ${decodeURIComponent(params)}` : "";
}

const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const kinds = [
  { value: "", label: "All kinds" },
  { value: "user_activity", label: "User activity" },
  { value: "system", label: "System" },
  { value: "interaction", label: "Interactions" },
] as const;

/** Export schedules: each run exports exactly the previous day, week or month in the schedule's time zone. */
export function ExportSchedules({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.exports.schedules.list.queryOptions({ orgId }));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.exports.schedules.list.queryKey({ orgId }) });
  const update = useMutation(trpc.exports.schedules.update.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.exports.schedules.delete.mutationOptions({ onSuccess: invalidate }));

  return (
    <section aria-labelledby="schedules-heading">
      <h2 id="schedules-heading" className="section-title">
        Schedules
      </h2>
      {canManage ? <ScheduleForm orgId={orgId} onCreated={invalidate} /> : null}
      <FormError message={update.isError ? errorMessage(update.error) : remove.isError ? errorMessage(remove.error) : null} />
      {list.data && list.data.length === 0 ? (
        <EmptyState title="No schedules">
          {canManage ? "Create one above." : "Owners and admins can schedule exports."}
        </EmptyState>
      ) : null}
      {list.data && list.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">When</th>
                <th scope="col">Exports</th>
                <th scope="col">Next run (UTC)</th>
                <th scope="col">Webhook</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id} data-schedule-id={s.id}>
                  <td>
                    {s.name} {s.enabled ? null : <span className="badge neutral">paused</span>}
                  </td>
                  <td>
                    {s.frequency}
                    {s.frequency === "weekly" ? ` on ${weekdays[s.weekday - 1]}` : ""} at {s.timeOfDay} ({s.timeZone})
                  </td>
                  <td>
                    {(s.filter.kind ?? ["all kinds"]).join(", ")}
                    {describeFilter(s.filter)} · {s.format.toUpperCase()}
                    {s.gzip ? " gzip" : ""}
                  </td>
                  <td>{s.enabled ? formatUtc(s.nextRunAt) : "—"}</td>
                  <td>{s.webhookUrl ?? "—"}</td>
                  <td className="row-actions">
                    {canManage ? (
                      <>
                        <button
                          type="button"
                          className="button ghost small"
                          onClick={() => update.mutate({ orgId, id: s.id, changes: { enabled: !s.enabled } })}
                        >
                          {s.enabled ? "Pause" : "Resume"}
                        </button>
                        <button type="button" className="button danger small" onClick={() => remove.mutate({ orgId, id: s.id })}>
                          Delete
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function ScheduleForm({ orgId, onCreated }: { orgId: string; onCreated: () => Promise<void> }) {
  const trpc = useTRPC();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const [form, setForm] = useState({
    name: "",
    frequency: "daily" as (typeof scheduleFrequencies)[number],
    timeOfDay: "02:00",
    timeZone: browserZone,
    weekday: 1,
    kind: "" as (typeof kinds)[number]["value"],
    filters: "",
    format: "csv" as "csv" | "jsonl",
    gzip: true,
    webhookUrl: "",
  });
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.exports.schedules.create.mutationOptions({
      onSuccess: (row) => {
        setSecret(row.webhookUrl ? row.webhookSecret : null);
        setForm((f) => ({ ...f, name: "", webhookUrl: "" }));
        return onCreated();
      },
    }),
  );
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));

  const [filterError, setFilterError] = useState<string | null>(null);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSecret(null);
    // The same parameters as a log view's URL and GET /v1/events; the schedule sets the period.
    const parsed = parseDeepObjectQuery(new URLSearchParams(form.filters.trim().replace(/^\?/, "")), {
      ignore: ["period", "from", "to", "order", "limit", "cursor", "event"],
    });
    if (!parsed.ok) {
      setFilterError(`Filters: ${parsed.errors.map((x) => `${x.param} ${x.message}`).join("; ")}`);
      return;
    }
    setFilterError(null);
    const { period: _period, order: _order, limit: _limit, cursor: _cursor, ...filter } = parsed.filter;
    create.mutate({
      orgId,
      name: form.name.trim(),
      frequency: form.frequency,
      timeOfDay: form.timeOfDay,
      timeZone: form.timeZone.trim(),
      weekday: form.weekday,
      filter: form.kind ? { ...filter, kind: [form.kind] } : filter,
      format: form.format,
      gzip: form.gzip,
      webhookUrl: form.webhookUrl.trim() || null,
    });
  }

  return (
    <div className="panel">
      <form className="inline-form wrap" onSubmit={onSubmit} aria-label="New schedule">
        <label className="field grow">
          <span>Name</span>
          <input value={form.name} onChange={(e) => set("name", e.target.value)} required maxLength={100} placeholder="Nightly" />
        </label>
        <label className="field">
          <span>Every</span>
          <select value={form.frequency} onChange={(e) => set("frequency", e.target.value as typeof form.frequency)}>
            {scheduleFrequencies.map((f) => (
              <option key={f} value={f}>
                {f === "daily" ? "day" : f === "weekly" ? "week" : "month"}
              </option>
            ))}
          </select>
        </label>
        {form.frequency === "weekly" ? (
          <label className="field">
            <span>Starting</span>
            <select value={form.weekday} onChange={(e) => set("weekday", Number(e.target.value))}>
              {weekdays.map((d, i) => (
                <option key={d} value={i + 1}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field">
          <span>At</span>
          <input type="time" value={form.timeOfDay} onChange={(e) => set("timeOfDay", e.target.value)} required />
        </label>
        <label className="field">
          <span>Time zone</span>
          <input value={form.timeZone} onChange={(e) => set("timeZone", e.target.value)} required />
        </label>
        <label className="field">
          <span>Logs</span>
          <select value={form.kind} onChange={(e) => set("kind", e.target.value as typeof form.kind)}>
            {kinds.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Filters (as in a log view's URL)</span>
          <input
            value={form.filters}
            onChange={(e) => set("filters", e.target.value)}
            placeholder="model=openai/gpt-5&is_error=true"
          />
        </label>
        <label className="field">
          <span>Format</span>
          <select value={form.format} onChange={(e) => set("format", e.target.value as "csv" | "jsonl")}>
            <option value="csv">CSV</option>
            <option value="jsonl">JSON Lines</option>
          </select>
        </label>
        <label className="field">
          <span>gzip</span>
          <input type="checkbox" checked={form.gzip} onChange={(e) => set("gzip", e.target.checked)} />
        </label>
        <label className="field grow">
          <span>Webhook (optional)</span>
          <input
            type="url"
            value={form.webhookUrl}
            onChange={(e) => set("webhookUrl", e.target.value)}
            placeholder="https://example.com/logbook-exports"
          />
        </label>
        <button type="submit" className="button primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create schedule"}
        </button>
      </form>
      <FormError message={filterError ?? (create.isError ? errorMessage(create.error) : null)} />
      {secret ? (
        <div className="invite-result">
          <p>Webhook signing secret — shown once. Requests carry X-Logbook-Signature: t=…,v1=HMAC-SHA256(secret, "t.body").</p>
          <CopyField value={secret} label="Webhook secret" />
        </div>
      ) : null}
    </div>
  );
}
