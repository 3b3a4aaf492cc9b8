/**
 * Conditions (`when`, an http step's `successCondition`), evaluated after templates are filled in,
 * with Argo's (govaluate's) everyday syntax: `a == b`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`,
 * parentheses, quoted strings, numbers, `true`/`false`. A bare word is a string (`heads == heads`)
 * unless `variables` names it. Numbers compare as numbers when both sides are numeric. Parsing is
 * linear and depth-bounded; anything else is a ConditionError.
 */
export class ConditionError extends Error {}

export const MAX_CONDITION_LENGTH = 8 * 1024;
const MAX_DEPTH = 32;

type Token = { type: "value"; value: string | number | boolean; word?: string } | { type: "op"; op: string };
type Value = string | number | boolean;

const OPERATORS = ["==", "!=", ">=", "<=", "&&", "||", ">", "<", "!", "(", ")"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op) {
      tokens.push({ type: "op", op });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new ConditionError(`unterminated string at ${i}`);
      tokens.push({ type: "value", value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < text.length && !" \t\n\r'\"()".includes(text[end]) && !OPERATORS.some((candidate) => candidate !== "!" && text.startsWith(candidate, end))) end++;
    if (end === i) throw new ConditionError(`unexpected "${c}" at ${i}`);
    const word = text.slice(i, end);
    tokens.push({ type: "value", value: word === "true" ? true : word === "false" ? false : /^-?\d+(\.\d+)?$/.test(word) ? Number(word) : word, word });
    i = end;
  }
  return tokens;
}

function compare(op: string, a: Value, b: Value): boolean {
  const numeric = typeof a === "number" || typeof b === "number" ? [Number(a), Number(b)] : undefined;
  const [x, y] = numeric && !numeric.some(Number.isNaN) ? numeric : [String(a), String(b)];
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
    case "<":
      return x < y;
    default:
      return x <= y;
  }
}

const truthy = (value: Value) => (typeof value === "boolean" ? value : typeof value === "number" ? value !== 0 : value !== "" && value !== "false");

export function evaluateCondition(text: string, variables: Record<string, Value> = {}): boolean {
  if (text.length > MAX_CONDITION_LENGTH) throw new ConditionError(`longer than ${MAX_CONDITION_LENGTH} characters`);
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (op: string) => peek()?.type === "op" && (peek() as { op: string }).op === op;

  const primary = (depth: number): Value => {
    if (depth > MAX_DEPTH) throw new ConditionError("nested too deeply");
    const token = tokens[at++];
    if (!token) throw new ConditionError("incomplete condition");
    if (token.type === "op") {
      if (token.op === "!") return !truthy(primary(depth + 1));
      if (token.op === "(") {
        const value = or(depth + 1);
        if (!isOp(")")) throw new ConditionError("missing )");
        at++;
        return value;
      }
      throw new ConditionError(`unexpected "${token.op}"`);
    }
    return token.word !== undefined && Object.hasOwn(variables, token.word) ? variables[token.word] : token.value;
  };
  const comparison = (depth: number): Value => {
    let left = primary(depth);
    while (["==", "!=", ">", ">=", "<", "<="].some(isOp)) {
      const op = (tokens[at++] as { op: string }).op;
      left = compare(op, left, primary(depth));
    }
    return left;
  };
  const and = (depth: number): Value => {
    let left = comparison(depth);
    while (isOp("&&")) {
      at++;
      const right = comparison(depth);
      left = truthy(left) && truthy(right);
    }
    return left;
  };
  const or = (depth: number): Value => {
    let left = and(depth);
    while (isOp("||")) {
      at++;
      const right = and(depth);
      left = truthy(left) || truthy(right);
    }
    return left;
  };
  const result = or(0);
  if (at !== tokens.length) throw new ConditionError(`unexpected text after the condition`);
  return truthy(result);
}
