import type { ReactNode } from "react";

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function FullPageSpinner() {
  return (
    <div className="full-page">
      <Spinner />
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="panel error-panel" role="alert">
      <p className="empty-title">Could not load this page</p>
      <p className="muted">{message}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function NoAccess({ what, userRole }: { what: string; userRole: string | null | undefined }) {
  return (
    <div className="panel empty" data-testid="no-access">
      <p className="empty-title">No access</p>
      <p className="muted">
        Your role
        {userRole ? (
          <>
            {" "}
            (<strong>{userRole}</strong>)
          </>
        ) : null}{" "}
        does not allow you to {what}. Ask an owner or admin of this organization if you need it.
      </p>
    </div>
  );
}

export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
