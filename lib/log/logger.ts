import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";
import { defaultMessageWithoutParams, serializeError } from "./error-serializer";

/** Structured JSON logs. Secrets and tokens never reach a log line: these paths are censored. */
const REDACT = [
  "password",
  "secret",
  "client_secret",
  "token",
  "access_token",
  "authorization",
  "*.password",
  "*.secret",
  "*.client_secret",
  "*.token",
  "*.access_token",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
];

const options: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: "sluice" },
  redact: { paths: REDACT, censor: "[redacted]" },
  serializers: { err: serializeError, error: serializeError },
  hooks: { logMethod: defaultMessageWithoutParams },
};

/** A logger with Sluice's settings, writing to `destination` (standard output unless given). */
export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  return destination ? pino(options, destination) : pino(options);
}

const root = createLogger();

type RequestContext = { requestId: string; log: pino.Logger };
const storage = new AsyncLocalStorage<RequestContext>();

export function withRequestContext<T>(requestId: string, run: () => T): T {
  return storage.run({ requestId, log: root.child({ reqId: requestId }) }, run);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The logger for the current request (with its request id on every line), else the root logger. */
export function log(): pino.Logger {
  return storage.getStore()?.log ?? root;
}
