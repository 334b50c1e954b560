import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc";
import { CopyField } from "./copy-field";
import { FormError } from "./states";

const expiryOptions = [
  { value: "", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 365 days" },
];

/** Creates a key and shows its secret once: Logbook keeps only a hash of it. */
export function ApiKeyCreateForm({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  const mutation = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: (result) => {
        setCreated({ name: result.apiKey.name, key: result.key });
        setName("");
        setExpiry("");
        return queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey({ orgId }) });
      },
    }),
  );

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    mutation.mutate({ orgId, name: name.trim(), expiresInDays: expiry ? Number(expiry) : undefined });
  }

  return (
    <section className="panel" aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create an API key</h2>
      <form className="inline-form" onSubmit={onSubmit}>
        <label className="field grow">
          <span>Name</span>
          <input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Production backend"
            maxLength={80}
            required
          />
        </label>
        <label className="field">
          <span>Expires</span>
          <select name="expires" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {expiryOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? "Creating…" : "Create key"}
        </button>
      </form>
      <FormError message={mutation.isError ? errorMessage(mutation.error) : null} />
      {created ? (
        <div className="invite-result" data-testid="new-api-key">
          <p>
            Key <strong>{created.name}</strong> created. Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </p>
          <p className="notice" role="alert">
            Copy this key now: it won't be shown again. Logbook stores only a hash of it.
          </p>
          <CopyField label="New API key" value={created.key} />
          <div>
            <button type="button" className="button ghost small" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
