import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newDataKey, open, seal, SealedValueError, unwrapKey, wrapKey, type SealContext } from "./envelope";

const context: SealContext = { purpose: "test-value", owner: "owner-1", version: 1 };

/** Flips one bit of the byte at `index` of a base64url part of a sealed value. */
function flip(sealed: string, part: number, index = 0): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[part], "base64url");
  bytes[index] ^= 1;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("envelope", () => {
  it("opens what it sealed, and never seals the same text to the same string", () => {
    const sealed = seal("hello, wörld", context);
    expect(sealed).not.toContain("hello");
    expect(open(sealed, context)).toBe("hello, wörld");
    expect(seal("hello, wörld", context)).not.toBe(sealed);
    expect(open(seal("", context), context)).toBe("");
  });

  it.each([
    ["another owner", { ...context, owner: "owner-2" }],
    ["another version", { ...context, version: 2 }],
    ["another purpose", { ...context, purpose: "other-value" }],
  ])("refuses a value presented as %s's", (_, other) => {
    expect(() => open(seal("secret", context), other)).toThrow(SealedValueError);
  });

  it("refuses a changed value instead of decrypting it into garbage", () => {
    const sealed = seal("a longer secret value", context);
    for (const part of [1, 2, 3]) expect(() => open(flip(sealed, part), context)).toThrow(SealedValueError);
    const [format, iv, body, tag] = sealed.split(".");
    const shortTag = Buffer.from(tag, "base64url").subarray(0, 12).toString("base64url");
    expect(() => open([format, iv, body, shortTag].join("."), context)).toThrow(/does not open/);
    expect(() => open([format, iv, body].join("."), context)).toThrow(SealedValueError);
    expect(() => open(`v1.${iv}.${body}.${tag}`, context)).toThrow(SealedValueError);
  });

  it("seals under a data key when given one, which then alone opens it", () => {
    const dataKey = newDataKey();
    const sealed = seal("secret", context, dataKey);
    expect(open(sealed, context, dataKey)).toBe("secret");
    expect(() => open(sealed, context)).toThrow(SealedValueError);
    expect(() => open(sealed, context, newDataKey())).toThrow(SealedValueError);
  });

  it("wraps data keys under the master key, bound to their owner", () => {
    const key = randomBytes(32);
    const wrapped = wrapKey(key, context);
    expect(wrapped).not.toContain(key.toString("base64url"));
    expect(unwrapKey(wrapped, context).equals(key)).toBe(true);
    expect(() => unwrapKey(wrapped, { ...context, owner: "owner-2" })).toThrow(SealedValueError);
  });
});
