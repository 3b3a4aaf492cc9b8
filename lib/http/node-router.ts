import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/errors";
import { readIncomingBody } from "./body";
import type { Endpoint } from "./endpoint";
import { allEndpoints, PREFIXED_ENDPOINTS } from "./openapi";
import { log } from "@/lib/log/logger";
import { PEER_HEADER } from "./peer";
import { problemAnswer, type Answer } from "./problem";
import { securityHeaders, servedOverHttps } from "./security-headers";

/**
 * Serves token-authenticated `/api/v1` calls straight from the endpoint registry (the one that also
 * makes the OpenAPI document, and PREFIXED_ENDPOINTS beside it), in front of Next.js in the
 * production server (scripts/serve.mjs).
 * The same `endpoint.handle` runs as in the app's route files; what is skipped is Next's per-request
 * routing, which cost more than the API call itself (measured with `npm run bench:api`). Calls that
 * rely on the browser session go on to Next, which owns the session.
 */
type Route = { method: string; pattern: RegExp; params: string[]; endpoint: Endpoint };

function compile(prefix: string, endpoint: Endpoint): Route {
  const params: string[] = [];
  const source = `${prefix}${endpoint.spec.path}`
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      params.push(param[1]);
      return "([^/]+)";
    })
    .join("");
  return { method: endpoint.spec.method, pattern: new RegExp(`^${source}$`), params, endpoint };
}

const routes = [
  ...allEndpoints().map((endpoint) => compile("/api/v1", endpoint)),
  ...PREFIXED_ENDPOINTS.flatMap(({ prefix, endpoints }) => endpoints.map((endpoint) => compile(prefix, endpoint))),
];
const PREFIXES = ["/api/v1/", ...PREFIXED_ENDPOINTS.map(({ prefix }) => `${prefix}/`)];

function decodeSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError(400, "invalid_path", "The path has a malformed percent-encoding.", { errors: [{ path: `params.${name}`, message: "malformed percent-encoding" }] });
  }
}

function match(method: string, pathname: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(pathname);
    if (found) return { route, params: Object.fromEntries(route.params.map((name, i) => [name, decodeSegment(name, found[i + 1])])) };
  }
  return undefined;
}

/** Writes an answer; a Fetch response's body is streamed (Server-Sent Events stay open) until it ends or the client leaves. */
async function send(res: ServerResponse, answer: Answer, extra: Record<string, string>) {
  if (!("response" in answer)) {
    const length = answer.body === null ? {} : { "content-length": String(Buffer.byteLength(answer.body)) };
    return void res.writeHead(answer.status, { ...answer.headers, ...extra, ...length }).end(answer.body ?? undefined);
  }
  const { response } = answer;
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  for (const [key, value] of Object.entries(extra)) res.setHeader(key, value);
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.once("close", () => void reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
    }
  } catch {
    // the client went away, or the stream failed: end what was sent
  }
  res.end();
}

/**
 * Answers the request and returns true when it is an API call this router serves; else false.
 * Malformed API paths and oversized bodies are answered here too, as problem+json: Next would
 * answer them with a page, or read the whole body first.
 */
export async function serveApi(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean> {
  const url = new URL(req.url ?? "/", origin);
  if (!PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) return false;
  const extra = securityHeaders({ https: servedOverHttps(url.href, req.headers["x-forwarded-proto"] as string | undefined) });
  let found: ReturnType<typeof match>;
  try {
    found = match(req.method ?? "GET", url.pathname);
  } catch (error) {
    await send(res, problemAnswer(error, randomUUID()), extra);
    return true;
  }
  if (!found || (found.route.endpoint.spec.scope && !req.headers.authorization)) return false;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
  }
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      body = await readIncomingBody(req);
    } catch (error) {
      // Stop reading an oversized body: answer and close the connection.
      res.setHeader("connection", "close");
      res.once("finish", () => req.destroy());
      await send(res, problemAnswer(error, randomUUID()), extra);
      return true;
    }
  }
  const request = new Request(url, { method: req.method, headers });
  await send(res, await found.route.endpoint.answer(request, { params: Promise.resolve(found.params), body }), extra);
  return true;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The production server's request listener: records the TCP peer (for rate limits; a client's own
 * header of that name is replaced), answers from the API registry, and hands the rest to `fallback`
 * (Next.js). A failure nobody caught is a 500 problem, never a crashed worker.
 */
export function apiFirst(origin: string, fallback: Listener): Listener {
  return async (req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "unknown";
    try {
      if (!(await serveApi(req, res, origin))) await fallback(req, res);
    } catch (error) {
      log().error({ err: error }, "unhandled error in the request listener");
      if (res.headersSent) return void res.end();
      await send(res, problemAnswer(error, randomUUID()), securityHeaders({ https: false }));
    }
  };
}
