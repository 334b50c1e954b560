import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { formatRelative, formatUtc } from "../lib/format";
import { errorMessage, useTRPC } from "../lib/trpc";
import { EmptyState, ErrorState, FormError, Spinner } from "./states";

const presets = [
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { value: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
] as const;
type Choice = (typeof presets)[number]["value"] | "custom";

const pad = (n: number) => String(n).padStart(2, "0");
/** A Date → the value of a datetime-local input (local time). */
function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const statusTone: Record<string, string> = { done: "success", failed: "danger", running: "neutral", queued: "neutral" };

/** Reclassify a period (presets or a custom range) and the organization's recent runs with their progress. */
export function ClassificationRuns({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Choice>("7d");
  const [from, setFrom] = useState(() => toLocalInput(new Date(Date.now() - 86_400_000)));
  const [to, setTo] = useState(() => toLocalInput(new Date()));
  const [periodError, setPeriodError] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);

  const runs = useQuery({
    ...trpc.classification.runs.queryOptions({ orgId }),
    // Runs in progress refresh every second and a half; finished ones are left alone.
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "queued" || r.status === "running") ? 1500 : false),
  });
  const start = useMutation(
    trpc.classification.reclassify.mutationOptions({
      onSuccess: (run) => {
        setStarted(run.id);
        return queryClient.invalidateQueries({ queryKey: trpc.classification.runs.queryKey({ orgId }) });
      },
    }),
  );

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setStarted(null);
    let period: { from: Date; to: Date };
    if (choice === "custom") {
      const f = new Date(from);
      const t = new Date(to);
      if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime())) return setPeriodError("Enter both the start and the end.");
      if (f >= t) return setPeriodError("The start must be before the end.");
      period = { from: f, to: t };
    } else {
      const preset = presets.find((p) => p.value === choice) ?? presets[1];
      const now = new Date();
      period = { from: new Date(now.getTime() - preset.ms), to: now };
    }
    setPeriodError(null);
    start.mutate({ orgId, from: period.from.toISOString(), to: period.to.toISOString() });
  }

  return (
    <>
      <form className="panel form" onSubmit={onSubmit} aria-label="Reclassify a period">
        <p className="muted">
          Labels the interactions of a period again with the current model and tool settings — after a model upgrade or a settings
          change. Labels your systems sent and labels from user feedback are never changed.
        </p>
        <fieldset className="classification-period">
          <legend className="visually-hidden">Period</legend>
          <div className="segmented">
            {presets.map((p) => (
              <button
                key={p.value}
                type="button"
                className={choice === p.value ? "segment active" : "segment"}
                aria-pressed={choice === p.value}
                onClick={() => {
                  setChoice(p.value);
                  setPeriodError(null);
                }}
              >
                {p.label}
              </button>
            ))}
            <button
              type="button"
              className={choice === "custom" ? "segment active" : "segment"}
              aria-pressed={choice === "custom"}
              onClick={() => setChoice("custom")}
            >
              Custom
            </button>
          </div>
          {choice === "custom" ? (
            <div className="inline-form">
              <label className="field">
                <span>From</span>
                <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
              </label>
              <label className="field">
                <span>To</span>
                <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
              </label>
            </div>
          ) : null}
        </fieldset>
        <FormError message={periodError ?? (start.isError ? `Not started: ${errorMessage(start.error)}` : null)} />
        <div className="button-row" style={{ alignItems: "center" }}>
          <button type="submit" className="button primary" disabled={start.isPending}>
            {start.isPending ? "Starting…" : "Start reclassify"}
          </button>
          <span role="status" className="muted">
            {started ? "Started. The run is listed below; progress updates as it goes." : ""}
          </span>
        </div>
      </form>

      <section aria-labelledby="runs-heading">
        <h3 id="runs-heading" className="section-title">
          Runs
        </h3>
        {runs.isPending ? (
          <Spinner label="Loading runs…" />
        ) : runs.isError ? (
          <ErrorState message={errorMessage(runs.error)} onRetry={() => runs.refetch()} />
        ) : runs.data.length === 0 ? (
          <EmptyState title="No reclassify runs yet">Choose a period above and start one.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table classification-runs">
              <thead>
                <tr>
                  <th scope="col">Period (UTC)</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col" className="num">
                    Done / total
                  </th>
                  <th scope="col" className="num">
                    Changed
                  </th>
                  <th scope="col">Started</th>
                  <th scope="col">Finished</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.map((r) => {
                  const percent = Math.round(r.progress * 100);
                  return (
                    <tr key={r.id} data-run-id={r.id} data-status={r.status}>
                      <td className="nowrap">
                        {formatUtc(r.from)} → {formatUtc(r.to)}
                      </td>
                      <td>
                        <span className={`badge ${statusTone[r.status] ?? "neutral"}`}>{r.status}</span>
                        {r.status === "failed" && r.error ? <div className="muted small">{r.error}</div> : null}
                      </td>
                      <td>
                        <div className="classification-progress">
                          <progress max={100} value={percent} aria-label={`Progress of the run from ${formatUtc(r.from)}`} />
                          <span className="muted small">{percent}%</span>
                        </div>
                      </td>
                      <td className="num nowrap">
                        {r.done.toLocaleString("en")} / {r.total.toLocaleString("en")}
                      </td>
                      <td className="num">{r.changed.toLocaleString("en")}</td>
                      <td className="nowrap" title={formatUtc(r.createdAt)}>
                        {formatRelative(r.createdAt)}
                      </td>
                      <td className="nowrap" title={r.finishedAt ? formatUtc(r.finishedAt) : undefined}>
                        {r.finishedAt ? formatRelative(r.finishedAt) : <span className="muted">—</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
