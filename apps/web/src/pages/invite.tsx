import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useParams } from "wouter";
import { AuthLayout } from "../components/auth-layout";
import { ErrorState, FormError, Spinner } from "../components/states";
import { authClient } from "../lib/auth-client";
import { errorMessage, useTRPC } from "../lib/trpc";

/** /invite/:invitationId: the invitee's side. Signed-out visitors are pointed to sign-in or sign-up. */
export function InvitePage() {
  const { invitationId = "" } = useParams<{ invitationId: string }>();
  const session = authClient.useSession();
  const next = encodeURIComponent(`/invite/${invitationId}`);

  if (session.isPending) {
    return (
      <AuthLayout title="Invitation">
        <Spinner />
      </AuthLayout>
    );
  }
  if (!session.data) {
    return (
      <AuthLayout
        title="You have been invited to Logbook"
        subtitle="Sign in or create an account with the email address the invitation was sent to."
      >
        <div className="button-row">
          <Link href={`/sign-in?next=${next}`} className="button primary">
            Sign in
          </Link>
          <Link href={`/sign-up?next=${next}`} className="button">
            Create an account
          </Link>
        </div>
      </AuthLayout>
    );
  }
  return <InvitationDetails invitationId={invitationId} email={session.data.user.email} />;
}

function InvitationDetails({ invitationId, email }: { invitationId: string; email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const invitation = useQuery(trpc.invitations.get.queryOptions({ invitationId }));
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: async ({ organizationId }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.me.get.queryKey() });
        navigate(`/o/${organizationId}/activity`);
      },
    }),
  );

  if (invitation.isPending) {
    return (
      <AuthLayout title="Invitation">
        <Spinner label="Loading invitation…" />
      </AuthLayout>
    );
  }
  if (invitation.isError) {
    return (
      <AuthLayout
        title="Invitation not found"
        subtitle={
          <>
            Signed in as <strong>{email}</strong>.
          </>
        }
      >
        <ErrorState message={errorMessage(invitation.error)} />
        <p className="auth-switch">
          <Link href="/">Go to your workspace</Link>
        </p>
      </AuthLayout>
    );
  }

  const inv = invitation.data;
  const title = `Join ${inv.organizationName} as ${inv.role}`;
  const unusable =
    inv.status !== "pending"
      ? `This invitation is ${inv.status}.`
      : inv.expired
        ? "This invitation has expired. Ask for a new one."
        : null;

  return (
    <AuthLayout
      title={title}
      subtitle={
        <>
          Invitation for <strong>{inv.email}</strong>.
        </>
      }
    >
      {unusable ? (
        <>
          <p className="notice">{unusable}</p>
          <p className="auth-switch">
            <Link href="/">Go to your workspace</Link>
          </p>
        </>
      ) : (
        <>
          <FormError message={accept.isError ? errorMessage(accept.error) : null} />
          <button
            type="button"
            className="button primary block"
            disabled={accept.isPending}
            onClick={() => accept.mutate({ invitationId })}
          >
            {accept.isPending ? "Joining…" : "Accept invitation"}
          </button>
        </>
      )}
    </AuthLayout>
  );
}
