import type { ReactNode } from "react";

/** Centered card for the signed-out pages (sign-in, sign-up, invitations). */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-brand">
        <span className="brand-mark" aria-hidden="true">
          L
        </span>
        Logbook
      </div>
      <main className="auth-card">
        <h1>{title}</h1>
        {subtitle ? <p className="muted auth-subtitle">{subtitle}</p> : null}
        {children}
      </main>
    </div>
  );
}
