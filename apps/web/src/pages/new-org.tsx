import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation } from "wouter";
import { AuthLayout } from "../components/auth-layout";
import { FormError } from "../components/states";
import { authClient } from "../lib/auth-client";
import { errorMessage, useTRPC } from "../lib/trpc";

/** /orgs/new: create an organization, then open its activity. */
export function NewOrgPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState("");
  const me = useQuery(trpc.me.get.queryOptions());
  const create = useMutation(
    trpc.organizations.create.mutationOptions({
      onSuccess: async (org) => {
        await queryClient.invalidateQueries({ queryKey: trpc.me.get.queryKey() });
        navigate(`/o/${org.id}/activity`);
      },
    }),
  );

  async function signOut() {
    await authClient.signOut();
    navigate("/sign-in", { replace: true });
    queryClient.clear();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name: name.trim() });
  }

  const hasOrgs = (me.data?.organizations.length ?? 0) > 0;
  return (
    <AuthLayout
      title="Create an organization"
      subtitle="An organization is a workspace: its logs, members and settings are kept apart from every other."
    >
      <form className="form" onSubmit={onSubmit}>
        <label className="field">
          <span>Organization name</span>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme Analytics" required />
        </label>
        <FormError message={create.isError ? errorMessage(create.error) : null} />
        <button type="submit" className="button primary block" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create organization"}
        </button>
      </form>
      <p className="auth-switch">
        {hasOrgs ? <Link href="/">Back to your workspace</Link> : null}
        {hasOrgs ? " · " : null}
        {me.data ? <>Signed in as {me.data.user.email} · </> : null}
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      </p>
    </AuthLayout>
  );
}
