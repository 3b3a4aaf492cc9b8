import { isSingleTemplate } from "./templates";
import type { ValueType } from "./model";

/**
 * Which value types may feed which. Every type feeds itself; a `string` port also accepts `number`
 * and `boolean` values (formatted as text). Nothing else converts implicitly: text is not parsed
 * into numbers, booleans or JSON, a `json` value (e.g. a mapped step's list output) does not feed a
 * `string` port, and secrets only flow into `secret` ports so they are never exposed as plain text.
 */
const ACCEPTS: Record<ValueType, readonly ValueType[]> = {
  string: ["string", "number", "boolean"],
  number: ["number"],
  boolean: ["boolean"],
  json: ["json"],
  secret: ["secret"],
};

export function canFeed(source: ValueType, target: ValueType): boolean {
  return ACCEPTS[target].includes(source);
}

/** The type of a literal: JSON values other than strings, numbers and booleans are `json`. */
export function literalType(value: unknown): Exclude<ValueType, "secret"> {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  return "json";
}

/**
 * Whether a literal may be the value of a port of type `target`. A `json` port takes any literal;
 * a string that is exactly one `{{...}}` template is checked at run time; a secret is never a literal.
 */
export function literalFits(value: unknown, target: ValueType): boolean {
  if (target === "secret") return false;
  if (target === "json") return true;
  if (typeof value === "string" && isSingleTemplate(value)) return true;
  return canFeed(literalType(value), target);
}
