import { plans } from "@logbook/shared/plans";
import { type RetentionField, retentionFieldLabels, retentionFields } from "@logbook/shared/retention";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc";
import { FormError } from "./states";

export interface TenantRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  legalHold: boolean;
  hasOverride: boolean;
  events: { user_activity: number; system: number; interaction: number };
  totalEvents: number;
  storageBytes: number;
}

const number = new Intl.NumberFormat("en");
function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** Operators: one tenant — plan, counts, estimated storage, legal hold, and its override (never content). */
export function TenantRetentionRow({ tenant }: { tenant: TenantRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.platform.pathKey() });
  const assign = useMutation(trpc.platform.assignPlan.mutationOptions({ onSuccess: refresh }));
  const hold = useMutation(trpc.platform.setLegalHold.mutationOptions({ onSuccess: refresh }));
  const error = assign.error ?? hold.error;

  return (
    <>
      <tr>
        <td>
          {tenant.name} <span className="mono muted small">{tenant.slug}</span>
        </td>
        <td>
          <select
            aria-label={`Plan of ${tenant.name}`}
            value={tenant.plan}
            disabled={assign.isPending}
            onChange={(e) => assign.mutate({ tenantId: tenant.id, plan: e.target.value as (typeof plans)[number] })}
          >
            {plans.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </td>
        <td className="num">{number.format(tenant.events.user_activity)}</td>
        <td className="num">{number.format(tenant.events.system)}</td>
        <td className="num">{number.format(tenant.events.interaction)}</td>
        <td className="num" title="The tenant's share of the event store on disk, by event count">
          ≈ {formatBytes(tenant.storageBytes)}
        </td>
        <td className="actions nowrap">
          <button type="button" className="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            {tenant.hasOverride ? "Override ✓" : "Override"}
          </button>{" "}
          <button
            type="button"
            className={tenant.legalHold ? "button primary" : "button"}
            disabled={hold.isPending}
            aria-pressed={tenant.legalHold}
            onClick={() => {
              const reason = tenant.legalHold
                ? undefined
                : (window.prompt(`Reason for the legal hold on ${tenant.name}?`) ?? undefined);
              hold.mutate({ tenantId: tenant.id, hold: !tenant.legalHold, reason: reason || undefined });
            }}
          >
            {tenant.legalHold ? "On legal hold — lift" : "Legal hold"}
          </button>
          {error ? <FormError message={errorMessage(error)} /> : null}
        </td>
      </tr>
      {editing ? (
        <tr>
          <td colSpan={7}>
            <OverrideForm tenantId={tenant.id} onDone={() => setEditing(false)} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** A tenant's override: empty = the plan's value. */
function OverrideForm({ tenantId, onDone }: { tenantId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.platform.tenantRetention.queryOptions({ tenantId }));
  const [values, setValues] = useState<Partial<Record<RetentionField, string>> | null>(null);
  const save = useMutation(
    trpc.platform.setOverride.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.platform.pathKey() });
        onDone();
      },
    }),
  );
  if (!current.isSuccess) return <span className="muted">Loading…</span>;
  const shown =
    values ??
    Object.fromEntries(retentionFields.map((f) => [f, current.data.override[f] == null ? "" : String(current.data.override[f])]));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const override = Object.fromEntries(retentionFields.map((f) => [f, shown[f] ? Number(shown[f]) : null]));
    save.mutate({ tenantId, override });
  }

  return (
    <form className="inline-form" onSubmit={onSubmit} aria-label="Retention override">
      {retentionFields.map((f) => (
        <label key={f} className="field">
          <span>
            {retentionFieldLabels[f]} <span className="hint">plan: {current.data.planDays[f]} d</span>
          </span>
          <input
            type="number"
            min={1}
            step={1}
            placeholder="plan"
            style={{ width: 90 }}
            value={shown[f] ?? ""}
            onChange={(e) => setValues({ ...shown, [f]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit" className="button primary" disabled={save.isPending}>
        Save override
      </button>
      <button type="button" className="button" onClick={onDone}>
        Cancel
      </button>
      {save.isError ? <FormError message={errorMessage(save.error)} /> : null}
    </form>
  );
}
