import { z } from "zod";
import { exportColumnsSchema, exportFilterSchema, exportFormats } from "./exports";

/**
 * Export schedules: daily, weekly or monthly at a local time in an IANA time zone. A period runs
 * from one local midnight boundary to the next (a calendar day; a week starting on the chosen
 * weekday; a calendar month), so consecutive periods neither overlap nor leave gaps, and a DST day
 * simply lasts 23 or 25 hours. Each period is exported once it has ended, at `timeOfDay` on the
 * day it ends. Pure functions of explicit instants: the scheduler passes `now`.
 */

export const scheduleFrequencies = ["daily", "weekly", "monthly"] as const;
export type ScheduleFrequency = (typeof scheduleFrequencies)[number];

export interface ScheduleTiming {
  frequency: ScheduleFrequency;
  /** "HH:MM", 24-hour, local to timeZone. */
  timeOfDay: string;
  timeZone: string;
  /** ISO weekday a weekly period starts (and runs) on: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

export interface SchedulePeriod {
  from: Date;
  to: Date;
  /** When the period is due for export. */
  runAt: Date;
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
}

const scheduleFields = {
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  frequency: z.enum(scheduleFrequencies, { error: "must be daily, weekly or monthly" }),
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM (00:00 to 23:59)"),
  timeZone: z.string().max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Paris or UTC"),
  weekday: z.number().int().min(1, "must be 1 (Monday) to 7 (Sunday)").max(7, "must be 1 (Monday) to 7 (Sunday)"),
  filter: exportFilterSchema.omit({ period: true }),
  format: z.enum(exportFormats, { error: "must be csv or jsonl" }),
  gzip: z.boolean(),
  columns: exportColumnsSchema.nullable(),
  webhookUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2000)
    .nullable(),
  enabled: z.boolean(),
};

export const exportScheduleCreateSchema = z.strictObject({
  ...scheduleFields,
  weekday: scheduleFields.weekday.default(1),
  filter: scheduleFields.filter.default({}),
  format: scheduleFields.format.default("csv"),
  gzip: scheduleFields.gzip.default(false),
  columns: scheduleFields.columns.default(null),
  webhookUrl: scheduleFields.webhookUrl.default(null),
  enabled: scheduleFields.enabled.default(true),
});
export type ExportScheduleCreate = z.output<typeof exportScheduleCreateSchema>;

export const exportScheduleUpdateSchema = z.strictObject(scheduleFields).partial();
export type ExportScheduleUpdate = z.output<typeof exportScheduleUpdateSchema>;

// --- time zone arithmetic -------------------------------------------------------------------

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `instant` in `timeZone`, as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day, parts.hour, parts.minute, parts.second);
}

function localDateOf(instant: number, timeZone: string): LocalDate {
  const wall = new Date(wallClock(instant, timeZone));
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate() };
}

/**
 * The instant a local wall-clock time occurs in `timeZone`. A time that occurs twice (clocks going
 * back) is its first occurrence; a time that does not exist (clocks going forward) is moved forward
 * by the gap, as clocks read it.
 */
export function zonedTime(date: LocalDate, minutes: number, timeZone: string): Date {
  const target = Date.UTC(date.y, date.m - 1, date.d) + minutes * 60_000;
  const offsets = new Set([
    wallClock(target - 43_200_000, timeZone) - (target - 43_200_000),
    wallClock(target + 43_200_000, timeZone) - (target + 43_200_000),
  ]);
  const valid = [...offsets].map((o) => target - o).filter((t) => wallClock(t, timeZone) === target);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // In a gap: read the time with the offset before the change.
  const before = wallClock(target - 43_200_000, timeZone) - (target - 43_200_000);
  return new Date(target - before);
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function isoWeekday(date: LocalDate): number {
  const day = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The local date the period containing `date` starts on. */
function periodStartDate(timing: ScheduleTiming, date: LocalDate): LocalDate {
  if (timing.frequency === "daily") return date;
  if (timing.frequency === "weekly") return addDays(date, -((isoWeekday(date) - timing.weekday + 7) % 7));
  return { y: date.y, m: date.m, d: 1 };
}

function nextPeriodDate(timing: ScheduleTiming, start: LocalDate): LocalDate {
  if (timing.frequency === "daily") return addDays(start, 1);
  if (timing.frequency === "weekly") return addDays(start, 7);
  return start.m === 12 ? { y: start.y + 1, m: 1, d: 1 } : { y: start.y, m: start.m + 1, d: 1 };
}

const minutesOf = (timeOfDay: string) => Number(timeOfDay.slice(0, 2)) * 60 + Number(timeOfDay.slice(3, 5));

/** The start of the period that contains `instant`. */
export function periodStartAt(timing: ScheduleTiming, instant: Date): Date {
  const start = periodStartDate(timing, localDateOf(instant.getTime(), timing.timeZone));
  return zonedTime(start, 0, timing.timeZone);
}

/**
 * The period that begins at `from`: it ends at the first period boundary after `from` (so a `from`
 * that is not a boundary — after a change of timing — gives one shorter period, never a gap).
 */
export function periodFrom(timing: ScheduleTiming, from: Date): SchedulePeriod {
  const start = periodStartDate(timing, localDateOf(from.getTime(), timing.timeZone));
  let endDate = nextPeriodDate(timing, start);
  let to = zonedTime(endDate, 0, timing.timeZone);
  while (to.getTime() <= from.getTime()) {
    endDate = nextPeriodDate(timing, endDate);
    to = zonedTime(endDate, 0, timing.timeZone);
  }
  return { from, to, runAt: zonedTime(endDate, minutesOf(timing.timeOfDay), timing.timeZone) };
}

/**
 * The periods due at `now`, consecutive from `lastEnd` (where the previous run stopped): every
 * period whose run time has come, oldest first, at most `max` — a worker that was down catches up
 * on the next ticks.
 */
export function duePeriods(timing: ScheduleTiming, lastEnd: Date, now: Date, max = 100): SchedulePeriod[] {
  const due: SchedulePeriod[] = [];
  let from = lastEnd;
  while (due.length < max) {
    const period = periodFrom(timing, from);
    if (period.runAt.getTime() > now.getTime()) break;
    due.push(period);
    from = period.to;
  }
  return due;
}

/** When the next period (from `lastEnd`) will be exported. */
export function nextRunAt(timing: ScheduleTiming, lastEnd: Date): Date {
  return periodFrom(timing, lastEnd).runAt;
}
