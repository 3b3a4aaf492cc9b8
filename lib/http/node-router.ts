import type { IncomingMessage, ServerResponse } from "node:http";
import type { Endpoint } from "./endpoint";
import { allEndpoints } from "./openapi";

/**
 * Serves token-authenticated `/api/v1` calls straight from the endpoint registry (the one that also
 * makes the OpenAPI document), in front of Next.js in the production server (scripts/serve.mjs).
 * The same `endpoint.handle` runs as in the app's route files; what is skipped is Next's per-request
 * routing, which cost more than the API call itself (measured with `npm run bench:api`). Calls that
 * rely on the browser session go on to Next, which owns the session.
 */
type Route = { method: string; pattern: RegExp; params: string[]; endpoint: Endpoint };

function compile(endpoint: Endpoint): Route {
  const params: string[] = [];
  const source = `/api/v1${endpoint.spec.path}`
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

const routes = allEndpoints().map(compile);

function match(method: string, pathname: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(pathname);
    if (found) return { route, params: Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(found[i + 1])])) };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers the request and returns true when it is an API call this router serves; else false. */
export async function serveApi(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean> {
  const url = new URL(req.url ?? "/", origin);
  if (!url.pathname.startsWith("/api/v1/")) return false;
  const found = match(req.method ?? "GET", url.pathname);
  if (!found || (found.route.endpoint.spec.scope && !req.headers.authorization)) return false;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
  }
  const body = await readBody(req);
  const request = new Request(url, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined });
  const response = await found.route.endpoint.handle(request, { params: Promise.resolve(found.params) });
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
  return true;
}
