import { type FormEvent, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { AuthLayout } from "../components/auth-layout";
import { FormError } from "../components/states";
import { authClient } from "../lib/auth-client";
import { safeNext } from "../lib/format";

const MIN_PASSWORD = 8;

export function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [, navigate] = useLocation();
  const session = authClient.useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (password.length < MIN_PASSWORD) {
      setError(`Password must be at least ${MIN_PASSWORD} characters`);
      return;
    }
    setBusy(true);
    setError(null);
    const { error } = await authClient.signUp.email({ name, email, password });
    if (error) {
      setError(error.message ?? "Could not create the account. Try again.");
      setBusy(false);
      return;
    }
    await session.refetch();
    navigate(next, { replace: true });
  }

  const nextQuery = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return (
    <AuthLayout title="Create your account" subtitle="Start keeping the logs of your workspace.">
      <form className="form" onSubmit={onSubmit}>
        <label className="field">
          <span>Name</span>
          <input name="name" autoComplete="name" required />
        </label>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="new-password" required />
          <small className="hint">At least {MIN_PASSWORD} characters.</small>
        </label>
        <FormError message={error} />
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link href={`/sign-in${nextQuery}`}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
