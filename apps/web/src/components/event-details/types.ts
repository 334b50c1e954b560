import type { AppRouter } from "@logbook/api/router";
import type { inferRouterOutputs } from "@trpc/server";
import type { LogView } from "../../lib/log-url";

/** One event as events.get returns it: listing fields plus content as the caller's role may see it. */
export type EventDetail = inferRouterOutputs<AppRouter>["events"]["get"];

/** The log view an event of each kind is listed in. */
export const viewOfKind: Record<EventDetail["kind"], LogView> = {
  user_activity: "user-activity",
  system: "system",
  interaction: "interactions",
};

/** `search_catalog (tool) × 2 · get_data_schema (tool) × 1`. */
export function toolCallsSummary(calls: EventDetail["toolCalls"]): string {
  return (calls ?? []).map((c) => `${c.name} (${c.type}) × ${c.count}`).join(" · ");
}
