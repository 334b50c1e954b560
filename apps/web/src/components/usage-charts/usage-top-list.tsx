import type { EventFilterInput } from "@logbook/shared/filters";
import { Link } from "wouter";
import { formatNumber, interactionsHref, type UsagePeriod, type UsageTop } from "./usage-model";

/** A ranked table (top users or models) whose rows link to their interactions in the same period. */
export function UsageTopList({
  orgId,
  title,
  column,
  items,
  period,
  filterOf,
  testId,
}: {
  orgId: string;
  title: string;
  /** The heading of the name column ("User", "Model"). */
  column: string;
  items: UsageTop[];
  period: UsagePeriod;
  filterOf: (item: UsageTop) => Partial<EventFilterInput>;
  testId: string;
}) {
  const max = Math.max(1, ...items.map((i) => i.requests));
  return (
    <section className="panel usage-top" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <h2 id={`${testId}-title`}>{title}</h2>
      {items.length === 0 ? (
        <p className="muted">Nothing in this period.</p>
      ) : (
        <table className="table usage-top-table">
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col" className="numeric">
                Requests
              </th>
              <th scope="col" className="numeric">
                Tokens
              </th>
              <th scope="col" className="numeric">
                Errors
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.value}>
                <td className="usage-top-name">
                  <Link href={`~${interactionsHref(orgId, period, filterOf(item))}`} title={item.value}>
                    {item.label}
                  </Link>
                  {item.email && item.email !== item.label ? <span className="muted small"> {item.email}</span> : null}
                  <span className="usage-top-bar" style={{ width: `${(item.requests / max) * 100}%` }} aria-hidden="true" />
                </td>
                <td className="numeric">{formatNumber(item.requests)}</td>
                <td className="numeric">{formatNumber(item.tokens)}</td>
                <td className="numeric">{item.errors ? <span className="error-text">{formatNumber(item.errors)}</span> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
