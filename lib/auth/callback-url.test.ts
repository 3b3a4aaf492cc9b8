import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from "./callback-url";

describe("callbackUrl accepts only same-origin paths", () => {
  it.each(["/workspaces", "/workspaces/abc?tab=members#rules", "/"])("keeps %s", (path) => {
    expect(safeCallbackPath(path)).toBe(path);
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "https://evil.example/workspaces",
    "javascript:alert(1)",
    "/\t/evil.example",
    "workspaces",
    "",
    undefined,
    `/${"a".repeat(3000)}`,
  ])("replaces %s with the default", (value) => {
    expect(safeCallbackPath(value)).toBe(DEFAULT_AFTER_SIGN_IN);
  });
});
