import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formatDate, formatRelative, formatUtc } from "../lib/format";
import { errorMessage, useTRPC } from "../lib/trpc";

export type ApiKeyItem = {
  id: string;
  name: string;
  prefix: string;
  createdByName: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  status: "active" | "expired" | "revoked";
};

const badge: Record<ApiKeyItem["status"], string> = { active: "success", expired: "neutral", revoked: "danger" };

export function ApiKeyRow({ orgId, apiKey }: { orgId: string; apiKey: ApiKeyItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey({ orgId }) }),
    }),
  );

  return (
    <tr>
      <td>
        <div className="stack">
          <span>{apiKey.name}</span>
          {revoke.isError ? (
            <span className="form-error small" role="alert">
              {errorMessage(revoke.error)}
            </span>
          ) : null}
        </div>
      </td>
      <td className="nowrap">
        <code title="The key's visible prefix; the rest is secret">{apiKey.prefix}…</code>
      </td>
      <td>
        <div className="stack">
          <span>{apiKey.createdByName ?? "—"}</span>
          <span className="muted small nowrap">
            <time dateTime={apiKey.createdAt} title={formatUtc(apiKey.createdAt)}>
              {formatDate(apiKey.createdAt)}
            </time>
          </span>
        </div>
      </td>
      <td className="muted nowrap">
        {apiKey.lastUsedAt ? (
          <time dateTime={apiKey.lastUsedAt} title={formatUtc(apiKey.lastUsedAt)}>
            {formatRelative(apiKey.lastUsedAt)}
          </time>
        ) : (
          "never"
        )}
      </td>
      <td className="muted nowrap">
        {apiKey.expiresAt ? (
          <time dateTime={apiKey.expiresAt} title={formatUtc(apiKey.expiresAt)}>
            {formatDate(apiKey.expiresAt)}
          </time>
        ) : (
          "never"
        )}
      </td>
      <td>
        <span className={`badge ${badge[apiKey.status]}`}>{apiKey.status}</span>
      </td>
      <td className="actions">
        {apiKey.status !== "revoked" ? (
          <button
            type="button"
            className="button ghost small"
            aria-label={`Revoke ${apiKey.name}`}
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(`Revoke the key "${apiKey.name}"? Requests using it are refused at once.`)) {
                revoke.mutate({ orgId, id: apiKey.id });
              }
            }}
          >
            {revoke.isPending ? "Revoking…" : "Revoke"}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
