import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerClientError } from "./client-error";

/** Writes raw bytes to the server and reads the answer until the server closes the connection. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(Buffer.from(request, "latin1")));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("utf8")));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("requests Node's HTTP parser refuses", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end("handled")).on("clientError", answerClientError);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ["a request line over 16 KiB", `GET /api/v1/workspaces?q=${"a".repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`, 431, "headers_too_large"],
    ["a byte a URL may not hold", "GET /api/v1/workspaces/\u00ff HTTP/1.1\r\nhost: x\r\n\r\n", 400, "malformed_request"],
    ["a request that is not HTTP", "HELLO\r\n\r\n", 400, "malformed_request"],
  ])("answers %s as problem+json", async (_name, request, status, code) => {
    const answer = await raw(port, request);
    const [head, body] = answer.split("\r\n\r\n");
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toContain("content-type: application/problem+json");
    expect(JSON.parse(body)).toMatchObject({ status, code, type: `https://sluice.dev/problems/${code}` });
  });

  it("leaves valid requests to the server", async () => {
    expect(await raw(port, "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")).toMatch(/^HTTP\/1.1 200 [\s\S]*handled$/);
  });
});
