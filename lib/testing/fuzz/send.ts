import http from "node:http";
import type { AddressInfo } from "node:net";
import { answerClientError } from "@/lib/http/client-error";
import { apiFirst } from "@/lib/http/node-router";
import { expandJson, expandText, percentEncode } from "./adversarial";
import { truncate } from "./check";
import type { FuzzCase, Target } from "./cases";
import type { FuzzFixture } from "./fixture";
import type { Operation } from "./operations";

/** What came back, and how the request looked on the wire (for the failure report). */
export type Answer = { status: number; contentType: string; text: string; ms: number; request: string; declined?: boolean };

const NODE_TIMEOUT_MS = 10_000;

function param(op: Operation, c: FuzzCase, fixture: FuzzFixture, name: string): { decoded: string; raw: string } {
  const p = c.params[name];
  if ("raw" in p) return { decoded: expandText(p.raw), raw: expandText(p.raw) };
  const pool = fixture.pools[op.pathParams.find((x) => x.name === name)!.collection];
  const decoded = "real" in p ? pool[p.real % pool.length] : expandText(p.value);
  return { decoded, raw: percentEncode(decoded) };
}

function target(op: Operation, c: FuzzCase, fixture: FuzzFixture) {
  const params: Record<string, string> = {};
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const { decoded, raw } = param(op, c, fixture, name);
    params[name] = decoded;
    return raw;
  });
  const query = expandText(c.query);
  return { params, pathAndQuery: query ? `${path}?${query}` : path };
}

function requestHeaders(c: FuzzCase, fixture: FuzzFixture): Record<string, string> {
  const headers: Record<string, string> = { ...c.headers };
  const authorization = fixture.authorization[c.auth];
  if (authorization !== undefined) headers.authorization = authorization;
  if (c.body?.contentType !== undefined) headers["content-type"] = c.body.contentType;
  return headers;
}

const bodyBytes = (c: FuzzCase) => (c.body ? Buffer.from(expandText(expandJson(c.body.text)), c.body.latin1 ? "latin1" : "utf8") : undefined);

const wireText = (method: string, pathAndQuery: string, headers: Record<string, string>, body: Buffer | undefined) =>
  `${method} ${pathAndQuery}\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\n\n${body?.toString("utf8") ?? ""}`;

/** Path (a): the route handler called as Next.js calls it, with decoded path parameters. */
async function viaHandler(op: Operation, c: FuzzCase, fixture: FuzzFixture): Promise<Answer> {
  const { params, pathAndQuery } = target(op, c, fixture);
  const headers = requestHeaders(c, fixture);
  const body = bodyBytes(c);
  const request = new Request(`http://localhost${pathAndQuery}`, { method: op.method, headers, body: body ? new Uint8Array(body) : undefined });
  const started = performance.now();
  const response = await op.endpoint.handle(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text, ms: performance.now() - started, request: wireText(op.method, pathAndQuery, headers, body) };
}

/**
 * Path (b): the production server's direct path, with the request listener of scripts/serve.mjs.
 * What it hands on to Next (calls without a token) is a bare 404 here, marked as declined.
 */
export async function startNodeServer() {
  const declined = (_req: unknown, res: http.ServerResponse) => res.writeHead(404, { "x-fuzz-declined": "1" }).end();
  // The listener needs the origin, known once the server listens.
  const server = http.createServer((req, res) => listener(req, res)).on("clientError", answerClientError);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const listener = apiFirst(`http://127.0.0.1:${port}`, declined);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return { port, agent, close: () => new Promise<void>((resolve) => (agent.destroy(), server.close(() => resolve()), server.closeAllConnections())) };
}

export type NodeServer = Awaited<ReturnType<typeof startNodeServer>>;

/** Sends the case as raw HTTP: the path goes on the wire as generated, without URL normalisation. */
function viaNode(server: NodeServer, op: Operation, c: FuzzCase, fixture: FuzzFixture): Promise<Answer> {
  const { pathAndQuery } = target(op, c, fixture);
  const body = bodyBytes(c);
  // Node frames a GET or DELETE body only with an explicit length.
  const headers = { ...requestHeaders(c, fixture), ...(body ? { "content-length": String(body.length) } : {}) };
  const request = wireText(op.method, pathAndQuery, headers, body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, agent: server.agent, method: op.method, path: pathAndQuery, headers, timeout: NODE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).toString("utf8"),
          ms: performance.now() - started,
          request,
          declined: res.headers["x-fuzz-declined"] === "1",
        }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${NODE_TIMEOUT_MS} ms`)));
    req.on("error", (error) => reject(new Error(`${error.message}\n--- request\n${truncate(request)}`)));
    req.end(body);
  });
}

export function send(how: Target, server: NodeServer, op: Operation, c: FuzzCase, fixture: FuzzFixture) {
  return how === "handler" ? viaHandler(op, c, fixture) : viaNode(server, op, c, fixture);
}
