import { Link } from "wouter";

export function NotFoundPage() {
  return (
    <div className="panel empty">
      <p className="empty-title">Page not found</p>
      <p className="muted">
        There is nothing at this address. <Link href="~/">Go to your workspace</Link>
      </p>
    </div>
  );
}
