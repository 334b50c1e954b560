import type { Role } from "@logbook/shared/permissions";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formatDate } from "../lib/format";
import { errorMessage, useTRPC } from "../lib/trpc";

export type MemberItem = { id: string; name: string; email: string; role: string; createdAt: string };

type Props = {
  orgId: string;
  member: MemberItem;
  isSelf: boolean;
  /** Roles the viewer may hand out; empty when they cannot manage members. */
  assignable: Role[];
  /** Whether the viewer may change or remove this member at all. */
  manageable: boolean;
};

export function MemberRow({ orgId, member, isSelf, assignable, manageable }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ orgId }) });
  const updateRole = useMutation(trpc.members.updateRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSettled: refresh }));

  const canEdit = manageable && !isSelf;
  const options: string[] = assignable.includes(member.role as Role) ? assignable : [member.role, ...assignable];
  const error = updateRole.error ?? remove.error;
  const label = member.name || member.email;

  return (
    <tr>
      <td>
        <div className="stack">
          <span>
            {member.name || "—"}
            {isSelf ? <span className="badge neutral you">you</span> : null}
          </span>
          {error ? (
            <span className="form-error small" role="alert">
              {errorMessage(error)}
            </span>
          ) : null}
        </div>
      </td>
      <td className="muted">{member.email}</td>
      <td>
        <select
          aria-label={`Role of ${label}`}
          value={updateRole.isPending ? updateRole.variables.role : member.role}
          disabled={!canEdit || updateRole.isPending}
          onChange={(e) => updateRole.mutate({ orgId, memberId: member.id, role: e.target.value as Role })}
        >
          {options.map((r) => (
            <option key={r} value={r} disabled={!assignable.includes(r as Role)}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td className="muted nowrap">{formatDate(member.createdAt)}</td>
      <td className="actions">
        {canEdit ? (
          <button
            type="button"
            className="button ghost small"
            title={`Remove ${label} from the organization`}
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Remove ${label} from this organization? They lose access immediately.`)) {
                remove.mutate({ orgId, memberId: member.id });
              }
            }}
          >
            {remove.isPending ? "Removing…" : "Remove"}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
