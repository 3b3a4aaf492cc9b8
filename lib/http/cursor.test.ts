import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

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
