import { describe, expect, it } from "vitest";
import { replaceTokens, scanTokens, singleTokenExpression } from "./template-syntax";

/** The regex the scanner replaces: the reference for its semantics on small inputs, where it is fast. */
const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
const SINGLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

/** Deterministic pseudo-random texts over the characters that matter to the syntax. */
function* texts(count: number): Generator<string> {
  const alphabet = ["{", "}", "{{", "}}", " ", "\t", "\n", "a", "b", ".", "item"];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < count; i++) {
    let text = "";
    for (let n = next() % 14; n > 0; n--) text += alphabet[next() % alphabet.length];
    yield text;
  }
}

describe("template syntax", () => {
  it("finds the tokens the regex found, with the same trimmed expression", () => {
    let withTokens = 0;
    for (const text of texts(5_000)) {
      const expected = [...text.matchAll(TOKEN)].map((m) => ({ start: m.index, end: m.index + m[0].length, expression: m[1] }));
      expect(scanTokens(text), JSON.stringify(text)).toEqual(expected);
      expect(replaceTokens(text, (expression) => `<${expression}>`)).toBe(text.replace(TOKEN, (_, expression: string) => `<${expression}>`));
      expect(singleTokenExpression(text)).toBe(SINGLE.exec(text.trim())?.[1]);
      if (expected.length > 0) withTokens++;
    }
    expect(withTokens).toBeGreaterThan(500);
  });

  it("does not nest tokens", () => {
    expect(scanTokens("{{a {{b}} }}").map((t) => t.expression)).toEqual(["b"]);
    expect(scanTokens("{{{b}}}").map((t) => t.expression)).toEqual(["b"]);
    expect(scanTokens("{{ }} {{}}").map((t) => t.expression)).toEqual(["", ""]);
    expect(scanTokens("{{a} }}")).toEqual([]);
  });
});
