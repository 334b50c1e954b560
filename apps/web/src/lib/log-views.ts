/**
 * The log views and the one this browser opened last. Apart from log-url.ts, which needs the filter
 * model (and zod): the app's routes use these on the first page, before any log view's code loads.
 */

export type LogView = "user-activity" | "system" | "interactions";
export const logViews: readonly LogView[] = ["user-activity", "system", "interactions"];

export function isLogView(value: string | undefined): value is LogView {
  return (logViews as readonly (string | undefined)[]).includes(value);
}

const lastViewKey = "logbook.last-log-view";

export function rememberLogView(view: LogView) {
  try {
    localStorage.setItem(lastViewKey, view);
  } catch {
    // Not essential.
  }
}

/** The log view this browser opened last (the organization's start page), else user activity. */
export function lastLogView(): LogView {
  try {
    const stored = localStorage.getItem(lastViewKey);
    if (stored === "interactions" || stored === "system" || stored === "user-activity") return stored;
  } catch {
    // Fall through.
  }
  return "user-activity";
}
