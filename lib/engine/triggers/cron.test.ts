import { describe, expect, it } from "vitest";
import { canonicalTimezone, cronProblem, nextSlots, slotAfter, slotAtOrBefore, type CronSpec } from "./cron";

const spec = (cron: string, timezone = "UTC", startAt: Date | null = null, endAt: Date | null = null): CronSpec => ({ cron, timezone, startAt, endAt });
const at = (text: string) => new Date(text);
const isoList = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("cron slots", () => {
  it("keeps a daily time in its zone across the spring change (New York: 09:00 is 14:00Z, then 13:00Z)", () => {
    expect(isoList(nextSlots(spec("0 9 * * *", "America/New_York"), at("2026-03-07T00:00:00Z"), 3))).toEqual(["2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
  });

  it("fires a time skipped by the spring change once, just after the gap (Berlin 02:30 → 03:30 CEST)", () => {
    expect(isoList(nextSlots(spec("30 2 * * *", "Europe/Berlin"), at("2026-03-27T12:00:00Z"), 4))).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:30:00.000Z",
      "2026-03-30T00:30:00.000Z",
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("fires a time of the repeated autumn hour once (Berlin 02:30 CEST, not again at 02:30 CET)", () => {
    expect(isoList(nextSlots(spec("30 2 * * *", "Europe/Berlin"), at("2026-10-24T12:00:00Z"), 3))).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z"]);
  });

  it("never answers the same hourly slot twice across the spring change", () => {
    const slots = isoList(nextSlots(spec("0 * * * *", "Europe/Berlin"), at("2026-03-28T23:30:00Z"), 5));
    expect(slots).toEqual(["2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T02:00:00.000Z", "2026-03-29T03:00:00.000Z", "2026-03-29T04:00:00.000Z"]);
  });

  it("finds the latest slot at or before an instant, counting the instant itself", () => {
    const hourly = spec("0 * * * *");
    expect(slotAtOrBefore(hourly, at("2026-05-01T10:00:00Z"))?.toISOString()).toBe("2026-05-01T10:00:00.000Z");
    expect(slotAtOrBefore(hourly, at("2026-05-01T10:59:59Z"))?.toISOString()).toBe("2026-05-01T10:00:00.000Z");
    expect(slotAfter(hourly, at("2026-05-01T10:00:00Z"))?.toISOString()).toBe("2026-05-01T11:00:00.000Z");
  });

  it("keeps slots between the start and the end", () => {
    const bounded = spec("0 9 * * *", "UTC", at("2026-06-10T09:00:00Z"), at("2026-06-12T09:00:00Z"));
    expect(isoList(nextSlots(bounded, at("2026-01-01T00:00:00Z"), 5))).toEqual(["2026-06-10T09:00:00.000Z", "2026-06-11T09:00:00.000Z", "2026-06-12T09:00:00.000Z"]);
    expect(slotAtOrBefore(bounded, at("2026-07-01T00:00:00Z"))?.toISOString()).toBe("2026-06-12T09:00:00.000Z");
    expect(slotAtOrBefore(bounded, at("2026-06-09T12:00:00Z"))).toBeNull();
    expect(slotAfter(bounded, at("2026-06-12T09:00:00Z"))).toBeNull();
  });

  it("accepts five fields or a nickname, and nothing else", () => {
    expect(cronProblem("*/15 9-17 * * 1-5")).toBeUndefined();
    expect(cronProblem("@daily")).toBeUndefined();
    expect(cronProblem("0 0 L * *")).toBeUndefined();
    expect(cronProblem("* * * * * *")).toMatch(/five fields/);
    expect(cronProblem("every day")).toMatch(/five fields/);
    expect(cronProblem("61 * * * *")).toBeDefined();
    expect(cronProblem("@often")).toMatch(/five fields/);
  });

  it("names time zones canonically and refuses what is not one", () => {
    expect(canonicalTimezone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimezone("UTC")).toBe("UTC");
    expect(canonicalTimezone("Mars/Olympus")).toBeUndefined();
    expect(canonicalTimezone("+01:00")).toBeUndefined();
    expect(canonicalTimezone("")).toBeUndefined();
  });
});
