import pino from "pino";

/**
 * Errors as log lines, without the values of query parameters: drizzle's DrizzleQueryError carries
 * them in `params` and in its message ("Failed query: <sql>\nparams: <values>"), and PostgreSQL's
 * errors quote row values in `detail` — token hashes, wrapped keys, secrets. The SQL text stays.
 */
const VALUE_FIELDS = new Set(["params", "detail"]);
const PARAMS_MARK = "\nparams: ";

type ErrorLike = Error & Record<string, unknown>;

const isErrorLike = (value: unknown): value is ErrorLike => typeof value === "object" && value !== null && typeof (value as Error).message === "string";

function withoutParams(message: string): string {
  const at = message.indexOf(PARAMS_MARK);
  return at === -1 ? message : message.slice(0, at);
}

/** The stack begins with the message; where it does not (a message changed later), the params part is cut up to the frames. */
function stackWithoutParams(stack: string, message: string, scrubbed: string): string {
  if (stack.includes(message)) return stack.replace(message, () => scrubbed);
  const at = stack.indexOf(PARAMS_MARK);
  if (at === -1) return stack;
  const frames = stack.indexOf("\n    at ", at);
  return stack.slice(0, at) + (frames === -1 ? "" : stack.slice(frames));
}

function scrub(error: unknown, seen: Set<unknown>): unknown {
  if (!isErrorLike(error) || seen.has(error)) return error;
  seen.add(error);
  // Same prototype, so the log line's `type` still names the error class.
  const copy = Object.create(Object.getPrototypeOf(error)) as ErrorLike;
  for (const key of Object.keys(error)) {
    if (!VALUE_FIELDS.has(key)) copy[key] = scrub(error[key], seen);
  }
  copy.message = withoutParams(error.message);
  if (error.stack) copy.stack = stackWithoutParams(error.stack, error.message, copy.message);
  if (error.cause !== undefined) copy.cause = scrub(error.cause, seen);
  return copy;
}

export function serializeError(error: unknown) {
  return pino.stdSerializers.err(scrub(error, new Set()) as Error);
}

/**
 * pino's logMethod hook: a call without a message of its own (`log.error(error)`, `log.error({ err })`)
 * takes the error's message, which must lose its params as well.
 */
export function defaultMessageWithoutParams(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn) {
  const [first, ...rest] = args as unknown[];
  const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
  if (!isErrorLike(error) || typeof rest[0] === "string") return method.apply(this, args);
  return method.apply(this, [first, withoutParams(error.message), ...rest] as Parameters<pino.LogFn>);
}
