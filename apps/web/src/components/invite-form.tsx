import type { Role } from "@logbook/shared/permissions";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc";
import { CopyField } from "./copy-field";
import { FormError } from "./states";

/** Invite someone by email; shows the link to pass on, since Logbook sends no mail. */
export function InviteForm({ orgId, roles }: { orgId: string; roles: Role[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(roles.includes("member") ? "member" : (roles[0] ?? "member"));
  const [invite, setInvite] = useState<{ email: string; url: string } | null>(null);

  const mutation = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: (result, input) => {
        setInvite({ email: input.email, url: result.inviteUrl });
        setEmail("");
        return queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ orgId }) });
      },
    }),
  );

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setInvite(null);
    mutation.mutate({ orgId, email: email.trim(), role });
  }

  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite a member</h2>
      <form className="inline-form" onSubmit={onSubmit}>
        <label className="field grow">
          <span>Email</span>
          <input
            type="email"
            name="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="colleague@company.com"
            required
          />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="role" aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? "Inviting…" : "Invite"}
        </button>
      </form>
      <FormError message={mutation.isError ? errorMessage(mutation.error) : null} />
      {invite ? (
        <div className="invite-result">
          <p>
            Invitation created for <strong>{invite.email}</strong>. Send them this link:
          </p>
          <CopyField label="Invite link" value={invite.url} />
        </div>
      ) : null}
    </section>
  );
}
