import { describe, expect, it } from "vitest";
import { ConditionError, evaluateCondition } from "./when";

describe("conditions", () => {
  it.each<[string, boolean]>([
    ["heads == heads", true],
    ["tails == heads", false],
    ["even == even", true],
    ["odd != even", true],
    ["5 > 3", true],
    ["10 > 9", true],
    ["'10' < '9'", true],
    ["2 >= 2 && 1 < 2", true],
    ["a == b || c == c", true],
    ["!(a == a)", false],
    ["true", true],
    ["false || false", false],
    ["Succeeded != Succeeded", false],
    ["\"hello world\" == 'hello world'", true],
  ])("%s → %s", (text, expected) => {
    expect(evaluateCondition(text)).toBe(expected);
  });

  it("reads variables", () => {
    expect(evaluateCondition("response.statusCode == 201", { "response.statusCode": 201 })).toBe(true);
    expect(evaluateCondition("constructor == constructor")).toBe(true);
  });

  it.each(["a ==", "(a == b", "a == b)", "'open", "&& a", "(".repeat(100) + "a" + ")".repeat(100)])("refuses %s", (text) => {
    expect(() => evaluateCondition(text)).toThrow(ConditionError);
  });

  it("takes linear time on long input", () => {
    const started = performance.now();
    expect(() => evaluateCondition("a == " + "b ".repeat(4000))).toThrow(ConditionError);
    expect(() => evaluateCondition("x".repeat(9000))).toThrow(ConditionError);
    expect(evaluateCondition(`${"a == a && ".repeat(700)}a == a`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
