import { randomInt } from "node:crypto";
import { expect } from "vitest";
import { PEER_HEADER } from "@/lib/http/peer";
import type { Endpoint } from "@/lib/http/endpoint";

export type CallOptions = {
  token?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** sent as JSON */
  body?: unknown;
  /** sent as application/x-www-form-urlencoded */
  form?: Record<string, string>;
  /** sent as it is (content-type application/json unless given in headers) */
  rawBody?: string;
  headers?: Record<string, string>;
};

export type CallResult = { status: number; headers: Headers; body: any; text: string };

/** Calls a route handler as Next.js would, without a server. */
export async function call(endpoint: Endpoint, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL(`http://localhost/api/v1${endpoint.spec.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(options.params?.[k] ?? k))}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  // As the production server would: the caller's address, a different one per call unless a test fixes it.
  const headers: Record<string, string> = { [PEER_HEADER]: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`, ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined || options.rawBody !== undefined) {
    headers["content-type"] ??= "application/json";
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const request = new Request(url, { method: endpoint.spec.method, headers, body });
  const response = await endpoint.handle(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, body: text && /json/.test(type) ? JSON.parse(text) : text || undefined, text };
}

/** Asserts an RFC 9457 problem response with Sluice's stable code. Returns the body for further checks. */
export function expectProblem(result: CallResult, status: number, code: string) {
  expect({ status: result.status, code: result.body?.code }, JSON.stringify(result.body)).toEqual({ status, code });
  expect(result.headers.get("content-type")).toBe("application/problem+json");
  expect(result.body).toMatchObject({ type: `https://sluice.dev/problems/${code}`, status, code, title: expect.any(String) });
  expect(result.body.title.length).toBeGreaterThan(0);
  return result.body as { type: string; title: string; status: number; code: string; errors?: { path: string; message: string }[]; [key: string]: unknown };
}

/** Asserts a 400 with field errors, each with a path and a message; returns the errors. */
export function expectFieldErrors(result: CallResult, code = "validation_failed") {
  const problem = expectProblem(result, 400, code);
  expect(Array.isArray(problem.errors), "problem.errors should be a list").toBe(true);
  expect(problem.errors!.length).toBeGreaterThan(0);
  for (const error of problem.errors!) {
    expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(error.message.length).toBeGreaterThan(0);
  }
  return problem.errors!;
}
