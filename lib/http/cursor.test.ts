import { describe, expect, it } from "vitest";
import { runs } from "@/db/schema";
import { decodeCursor, encodeCursor, newestFirst } from "./cursor";

describe("page cursors", () => {
  it.each(["b-1", "naïve ünïcode 😀", "a".repeat(150)])("give back the key they were made from: %s", (key) => {
    expect(decodeCursor(encodeCursor(key))).toBe(key);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "not a cursor!"],
    ["padded", "YQ=="],
    ["standard base64", Buffer.from("a?>").toString("base64")],
    ["bytes decoding to NUL", "AAAA"],
    ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x41]).toString("base64url")],
    ["a non-canonical last character", "YR"],
  ])("refuse a cursor %s with 400 invalid_cursor", (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ status: 400, code: "invalid_cursor" }));
  });
});

describe("newest-first pages", () => {
  const pages = newestFirst(runs.createdAt, runs.id);
  const id = "0b6f7a52-6c1e-4b8e-9d61-1f0b7a2c9e11";

  it.each(["2026-12-01T02:23:39.123456Z", "2026-12-01T02:23:39.123Z"])("continue after a cursor to the microsecond or, as older cursors, to the millisecond: %s", (at) => {
    expect(() => pages.after(encodeCursor(`${at}|${id}`))).not.toThrow();
  });

  it.each([
    ["a date that does not exist", `2026-02-31T00:00:00.000000Z|${id}`],
    ["an hour past the day", `2026-12-01T24:00:00.000Z|${id}`],
    ["a time without its fraction", `2026-12-01T02:23:39Z|${id}`],
    ["a number", `1|${id}`],
    ["no id", "2026-12-01T02:23:39.123456Z"],
    ["an id that is not a UUID", "2026-12-01T02:23:39.123456Z|1"],
  ])("refuse a cursor with %s with 400 invalid_cursor, before any query", (_name, key) => {
    expect(() => pages.after(encodeCursor(key))).toThrow(expect.objectContaining({ status: 400, code: "invalid_cursor" }));
  });
});
