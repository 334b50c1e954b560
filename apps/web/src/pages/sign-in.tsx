import { type FormEvent, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { AuthLayout } from "../components/auth-layout";
import { FormError } from "../components/states";
import { authClient } from "../lib/auth-client";
import { safeNext } from "../lib/format";

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [, navigate] = useLocation();
  const session = authClient.useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const { error } = await authClient.signIn.email({
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    });
    if (error) {
      setError(error.message ?? "Could not sign in. Try again.");
      setBusy(false);
      return;
    }
    // Let the session store see the new session before guarded pages read it.
    await session.refetch();
    navigate(next, { replace: true });
  }

  const nextQuery = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return (
    <AuthLayout title="Sign in to Logbook" subtitle="Welcome back. Enter your email and password.">
      <form className="form" onSubmit={onSubmit}>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <FormError message={error} />
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="auth-switch">
        No account yet? <Link href={`/sign-up${nextQuery}`}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}
