import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation } from "wouter";
import { authClient } from "../lib/auth-client";

function initials(name: string, email: string): string {
  const parts = (name || email).trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts[1]?.[0] ?? ""}` : (parts[0]?.slice(0, 2) ?? "?");
  return letters.toUpperCase();
}

/** Who is signed in, and the way out. */
export function UserMenu({ name, email }: { name: string; email: string }) {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    await authClient.signOut();
    navigate("~/sign-in", { replace: true });
    queryClient.clear();
  }

  return (
    <div className="user-menu">
      <span className="avatar" aria-hidden="true">
        {initials(name, email)}
      </span>
      <span className="user-id">
        <span className="user-name">{name}</span>
        <span className="user-email">{email}</span>
      </span>
      <button type="button" className="button ghost small" onClick={signOut} disabled={busy}>
        Sign out
      </button>
    </div>
  );
}
