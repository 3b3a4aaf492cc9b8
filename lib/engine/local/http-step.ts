import type { Step } from "@/lib/workflows/model";
import { evaluateCondition } from "@/lib/workflows/when";
import type { LogWriter } from "./log-writer";
import { renderText, type Scope } from "./values";

export type HttpResult = { ok: boolean; status?: number; outputs?: Record<string, unknown>; error?: string; timedOut: boolean; cancelled: boolean };

const MAX_BODY = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** `$.a.b[0]` or `a.b.0`: a plain path into a JSON value (no filters or wildcards). */
export function readJsonPath(value: unknown, jsonPath: string): unknown {
  const parts = jsonPath.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
  let current = value;
  for (const part of parts) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** An http step, run by the worker itself: the request, its outcome by status or successCondition, its outputs. */
export async function runHttpStep(step: Extract<Step, { kind: "http" }>, scope: Scope, headers: [string, string][], log: LogWriter, timeoutMs: number | undefined, signal: AbortSignal): Promise<HttpResult> {
  const url = renderText(step.http.url, scope);
  const body = step.http.body === undefined ? undefined : renderText(step.http.body, scope);
  const timeout = AbortSignal.timeout(timeoutMs ?? DEFAULT_TIMEOUT_MS);
  log.system(`${step.http.method} ${url}`);
  let response: Response;
  try {
    response = await fetch(url, { method: step.http.method, headers, body: step.http.method === "GET" || step.http.method === "HEAD" ? undefined : body, signal: AbortSignal.any([signal, timeout]), redirect: "follow" });
  } catch (error) {
    if (signal.aborted) return { ok: false, timedOut: false, cancelled: true };
    if (timeout.aborted) return { ok: false, timedOut: true, cancelled: false };
    const message = `The request failed: ${(error as Error).message}`;
    log.system(message);
    return { ok: false, error: message, timedOut: false, cancelled: false };
  }
  const text = (await response.text()).slice(0, MAX_BODY);
  log.write("stdout", text.endsWith("\n") ? text : `${text}\n`);
  log.system(`HTTP ${response.status}`);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: outputs read the text
  }
  const condition = step.http.successCondition ? renderText(step.http.successCondition, scope) : undefined;
  const ok = condition ? evaluateCondition(condition, { "response.statusCode": response.status, "response.body": text }) : response.ok;
  const outputs: Record<string, unknown> = {};
  for (const output of step.outputs) {
    const source = output.source;
    if (source.from === "status") outputs[output.name] = output.type === "string" ? String(response.status) : response.status;
    else if (source.from === "header") outputs[output.name] = response.headers.get(source.name) ?? "";
    else if (source.from === "body") {
      const value = source.jsonPath ? readJsonPath(parsed, source.jsonPath) : output.type === "json" ? parsed : text;
      outputs[output.name] = output.type === "string" && typeof value !== "string" ? JSON.stringify(value) : value;
    }
  }
  return { ok, status: response.status, outputs, error: ok ? undefined : `HTTP ${response.status}${condition ? ` does not meet "${condition}"` : ""}.`, timedOut: false, cancelled: false };
}
