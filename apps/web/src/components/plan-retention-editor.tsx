import { isPlan } from "@logbook/shared/plans";
import { type RetentionDays, retentionFieldLabels, retentionFields } from "@logbook/shared/retention";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc";
import { FormError } from "./states";

interface PlanRow {
  id: string;
  name: string;
  retention: RetentionDays;
  exportFileDays: number;
  apiRequestsPerSecond: number;
}

const inputStyle = { width: 80 } as const;

/** Operators: one plan's retention per kind, edited in place (≥ 1 day; content ≤ interactions, checked by the server). */
export function PlanRetentionRow({ plan }: { plan: PlanRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<keyof RetentionDays, string>>(() => ({
    user_activity: String(plan.retention.user_activity),
    system: String(plan.retention.system),
    interaction: String(plan.retention.interaction),
    interaction_content: String(plan.retention.interaction_content),
  }));
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.platform.updatePlanRetention.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        void queryClient.invalidateQueries({ queryKey: trpc.platform.pathKey() });
      },
    }),
  );
  const dirty = retentionFields.some((f) => values[f] !== String(plan.retention[f]));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const retention = Object.fromEntries(retentionFields.map((f) => [f, Number(values[f])])) as unknown as RetentionDays;
    if (isPlan(plan.id)) save.mutate({ planId: plan.id, retention });
  }

  // "retention.interaction_content: must be …" → "Interaction content: must be …"
  const problem = save.isError
    ? errorMessage(save.error).replace(/retention\.(\w+):/g, (_, f: keyof RetentionDays) => `${retentionFieldLabels[f] ?? f}:`)
    : null;

  return (
    <>
      <tr>
        <td>
          <strong>{plan.name}</strong>
        </td>
        {retentionFields.map((f) => (
          <td key={f} className="num">
            <input
              type="number"
              min={1}
              step={1}
              required
              style={inputStyle}
              aria-label={`${plan.name}: ${retentionFieldLabels[f]} (days)`}
              value={values[f]}
              form={`plan-${plan.id}`}
              onChange={(e) => {
                setSaved(false);
                save.reset();
                setValues({ ...values, [f]: e.target.value });
              }}
            />
          </td>
        ))}
        <td className="num muted">{plan.exportFileDays}</td>
        <td className="num muted">{plan.apiRequestsPerSecond}</td>
        <td className="actions">
          <form id={`plan-${plan.id}`} onSubmit={onSubmit} aria-label={`${plan.name} retention`}>
            <button type="submit" className="button" disabled={!dirty || save.isPending}>
              {save.isPending ? "Saving…" : "Save"}
            </button>
            <span role="status" className="muted small">
              {saved && !dirty ? " Saved" : ""}
            </span>
          </form>
        </td>
      </tr>
      {problem ? (
        <tr>
          <td colSpan={retentionFields.length + 4}>
            <FormError message={`${plan.name}: ${problem}`} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
