import { queryState } from "../components/query-state";
import { assignableRoles, can, isRole } from "@logbook/shared/permissions";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { InviteForm } from "../components/invite-form";
import { MemberRow } from "../components/member-row";
import { PageHeader } from "../components/page-header";
import { EmptyState } from "../components/states";
import { formatDate } from "../lib/format";
import { errorMessage, useTRPC } from "../lib/trpc";

/** /o/:orgId/members: who belongs to the organization, pending invitations, and inviting more. */
export function MembersPage({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.members.list.queryOptions({ orgId }));
  const cancel = useMutation(
    trpc.members.cancelInvitation.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ orgId }) }),
    }),
  );

  const header = <PageHeader title="Members" description="People who can sign in to this organization, and their roles." />;
  const state = queryState(list, {
    header,
    loading: "Loading members…",
    noAccess: "see the members of this organization",
  });
  if (state || !list.isSuccess) return state;

  const { members, invitations, myRole, myMemberId } = list.data;
  const role = isRole(myRole) ? myRole : null;
  const canManage = can(role, "members:manage");
  const assignable = role && canManage ? assignableRoles(role) : [];

  return (
    <>
      {header}
      {canManage ? <InviteForm orgId={orgId} roles={assignable} /> : null}

      <section aria-labelledby="members-heading">
        <h2 id="members-heading" className="section-title">
          Members <span className="count">{members.length}</span>
        </h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow
                  key={m.id}
                  orgId={orgId}
                  member={{ ...m, createdAt: String(m.createdAt) }}
                  isSelf={m.id === myMemberId}
                  assignable={assignable}
                  manageable={canManage && (m.role !== "owner" || role === "owner")}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="invitations-heading">
        <h2 id="invitations-heading" className="section-title">
          Pending invitations <span className="count">{invitations.length}</span>
        </h2>
        {invitations.length === 0 ? (
          <EmptyState title="No pending invitations" />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((inv) => (
                  <tr key={inv.id}>
                    <td>{inv.email}</td>
                    <td>
                      <span className="badge neutral">{inv.role}</span>
                    </td>
                    <td className="muted nowrap">{formatDate(String(inv.expiresAt))}</td>
                    <td className="actions">
                      {canManage ? (
                        <button
                          type="button"
                          className="button ghost small"
                          title={`Cancel the invitation for ${inv.email}`}
                          disabled={cancel.isPending && cancel.variables.invitationId === inv.id}
                          onClick={() => cancel.mutate({ orgId, invitationId: inv.id })}
                        >
                          Cancel
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cancel.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(cancel.error)}
          </p>
        ) : null}
      </section>
    </>
  );
}
