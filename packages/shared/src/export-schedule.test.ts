import { describe, expect, it } from "vitest";
import { duePeriods, periodFrom, periodStartAt, type ScheduleTiming, zonedTime } from "./export-schedule";

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const daily = (timeZone: string, timeOfDay = "02:00"): ScheduleTiming => ({
  frequency: "daily",
  timeOfDay,
  timeZone,
  weekday: 1,
});

/** Walks `count` consecutive periods from `start` and checks they meet exactly. */
function walk(timing: ScheduleTiming, start: Date, count: number) {
  const periods = [];
  let from = start;
  for (let i = 0; i < count; i++) {
    const p = periodFrom(timing, from);
    expect(p.from.getTime()).toBe(from.getTime());
    expect(p.to.getTime()).toBeGreaterThan(p.from.getTime());
    expect(p.runAt.getTime()).toBeGreaterThanOrEqual(p.to.getTime());
    periods.push(p);
    from = p.to;
  }
  return periods;
}

describe("schedule periods across DST", () => {
  it("Europe/Paris daily: the spring-forward day lasts 23 h, the fall-back day 25 h, no gap or overlap", () => {
    const timing = daily("Europe/Paris");
    const start = periodStartAt(timing, at("2026-03-27T12:00:00Z"));
    expect(iso(start)).toBe("2026-03-26T23:00:00.000Z"); // 27 March 00:00 CET
    const spring = walk(timing, start, 4);
    expect(spring.map((p) => (p.to.getTime() - p.from.getTime()) / 3_600_000)).toEqual([24, 24, 23, 24]);
    expect(iso(spring[2]!.from)).toBe("2026-03-28T23:00:00.000Z"); // 29 March 00:00 CET
    expect(iso(spring[2]!.to)).toBe("2026-03-29T22:00:00.000Z"); // 30 March 00:00 CEST
    expect(iso(spring[2]!.runAt)).toBe("2026-03-30T00:00:00.000Z"); // 02:00 CEST

    const fall = walk(timing, periodStartAt(timing, at("2026-10-24T12:00:00Z")), 3);
    expect(fall.map((p) => (p.to.getTime() - p.from.getTime()) / 3_600_000)).toEqual([24, 25, 24]);
  });

  it("America/New_York: a run time inside the spring gap moves forward, a repeated hour runs once (first)", () => {
    const timing = daily("America/New_York", "02:30");
    // 8 March 2026: 02:00 EST → 03:00 EDT. The period of 7 March ends 8 March 00:00 EST and runs at 02:30, which does not exist.
    const p = periodFrom(timing, periodStartAt(timing, at("2026-03-07T17:00:00Z")));
    expect(iso(p.from)).toBe("2026-03-07T05:00:00.000Z");
    expect(iso(p.to)).toBe("2026-03-08T05:00:00.000Z");
    expect(iso(p.runAt)).toBe("2026-03-08T07:30:00.000Z"); // 03:30 EDT
    // 1 November 2026: 01:30 happens twice; the first (EDT) is taken.
    expect(iso(zonedTime({ y: 2026, m: 11, d: 1 }, 90, "America/New_York"))).toBe("2026-11-01T05:30:00.000Z");
    const fall = walk(daily("America/New_York"), periodStartAt(timing, at("2026-10-31T12:00:00Z")), 2);
    expect(fall.map((x) => (x.to.getTime() - x.from.getTime()) / 3_600_000)).toEqual([24, 25]);
  });

  it("weekly and monthly periods in a zone meet exactly across a DST change", () => {
    const weekly: ScheduleTiming = { frequency: "weekly", timeOfDay: "06:00", timeZone: "Europe/Paris", weekday: 1 };
    const weeks = walk(weekly, periodStartAt(weekly, at("2026-03-25T12:00:00Z")), 3);
    expect(iso(weeks[0]!.from)).toBe("2026-03-22T23:00:00.000Z"); // Monday 23 March 00:00 CET
    expect(weeks.map((p) => (p.to.getTime() - p.from.getTime()) / 3_600_000)).toEqual([167, 168, 168]);
    expect(iso(weeks[0]!.runAt)).toBe("2026-03-30T04:00:00.000Z"); // Monday 06:00 CEST

    const monthly: ScheduleTiming = { frequency: "monthly", timeOfDay: "00:15", timeZone: "America/New_York", weekday: 1 };
    const months = walk(monthly, periodStartAt(monthly, at("2026-01-10T00:00:00Z")), 12);
    expect(iso(months[0]!.from)).toBe("2026-01-01T05:00:00.000Z");
    expect(iso(months[11]!.to)).toBe("2027-01-01T05:00:00.000Z");
    expect(iso(months[2]!.from)).toBe("2026-03-01T05:00:00.000Z");
    expect(iso(months[2]!.to)).toBe("2026-04-01T04:00:00.000Z");
  });
});

describe("due periods (catch-up)", () => {
  it("returns every missed period in order, then nothing until the next run time", () => {
    const timing = daily("Europe/Paris", "02:00");
    const lastEnd = at("2026-03-26T23:00:00Z"); // 27 March 00:00 CET
    // Worker down until 31 March 09:00 CEST: 27, 28, 29 (23 h) and 30 March are due.
    const due = duePeriods(timing, lastEnd, at("2026-03-31T07:00:00Z"));
    expect(due.map((p) => iso(p.from))).toEqual([
      "2026-03-26T23:00:00.000Z",
      "2026-03-27T23:00:00.000Z",
      "2026-03-28T23:00:00.000Z",
      "2026-03-29T22:00:00.000Z",
    ]);
    expect(iso(due[3]!.to)).toBe("2026-03-30T22:00:00.000Z");
    expect(duePeriods(timing, due[3]!.to, at("2026-03-31T23:59:00Z"))).toEqual([]);
    expect(duePeriods(timing, due[3]!.to, at("2026-04-01T00:00:00Z"))).toHaveLength(1);
  });

  it("a changed timing continues from where the last period ended", () => {
    const timing: ScheduleTiming = { frequency: "weekly", timeOfDay: "00:00", timeZone: "UTC", weekday: 1 };
    const p = periodFrom(timing, at("2026-03-04T00:00:00Z")); // a Wednesday
    expect(iso(p.to)).toBe("2026-03-09T00:00:00.000Z");
  });
});
