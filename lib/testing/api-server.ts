import http from "node:http";
import type { AddressInfo } from "node:net";
import { apiFirst } from "@/lib/http/node-router";

/**
 * The production server's direct path in-process: the request listener of scripts/serve.mjs, with a
 * fallback that stands in for Next.js (a bare 404 marked `x-declined`).
 */
export async function startApiServer() {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  server.on("request", apiFirst(origin, (_req, res) => res.writeHead(404, { "x-declined": "1" }).end()));
  return {
    port,
    origin,
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

export type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; text: string; body: any };

/** A request with the path sent byte for byte (no URL normalisation) and an optional body. */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer | AsyncIterable<Buffer>; localAddress?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const target = { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers, localAddress: options.localAddress };
    const req = http.request(target, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on("error", reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
    else
      void (async () => {
        try {
          for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
          req.end();
        } catch {
          // the server closed the connection mid-body (as it should past the limit)
        }
      })();
  });
}
