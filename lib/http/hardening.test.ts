import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startApiServer, rawRequest, type RawAnswer } from "@/lib/testing/api-server";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { call, expectProblem, type CallResult } from "@/lib/testing/http";
import * as workflowsApi from "@/lib/workflows/endpoints";
import * as workspacesApi from "@/lib/workspaces/endpoints";

// No Next.js request scope in vitest: these stand in for "a request without a session cookie".
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<typeof import("next/server")>()), connection: async () => undefined }));
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

/** Bad requests answered 4xx problem+json on both server paths: the route handler and the direct path. */
let server: Awaited<ReturnType<typeof startApiServer>>;
let token: string;
let workspaceId: string;

beforeAll(async () => {
  server = await startApiServer();
  const { operator } = await testTenant("hard");
  token = (await testToken(operator, ["workspaces:read", "workspaces:write", "workflows:read", "workflows:write"], ["sluice-admin"])).token;
  const created = await call(workspacesApi.createWorkspace, { token, body: { name: "hardened" } });
  workspaceId = created.body.id;
  const workflow = await call(workflowsApi.createWorkflow, { token, params: { id: workspaceId }, body: { name: "flow", spec: {} } });
  expect(workflow.status, workflow.text).toBe(201);
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.SLUICE_MAX_BODY_BYTES;
});

function expectRawProblem(answer: RawAnswer, status: number, code: string) {
  expect({ status: answer.status, code: answer.body?.code }, answer.text.slice(0, 300)).toEqual({ status, code });
  expect(answer.headers["content-type"]).toBe("application/problem+json");
}

function fieldPaths(result: CallResult | RawAnswer) {
  return ((result.body?.errors ?? []) as { path: string }[]).map((e) => e.path);
}

const MiB = 1024 * 1024;

describe("bodies are capped while they are read, before the token is checked", () => {
  it("route handler: a body over 1 MiB is a 413 even without a token", async () => {
    const problem = expectProblem(await call(workspacesApi.createWorkspace, { rawBody: JSON.stringify({ name: "x".repeat(MiB) }) }), 413, "payload_too_large");
    expect(problem.limit).toBe(MiB);
  });

  it("route handler: a body that stays under the cap is read as before", async () => {
    expect((await call(workspacesApi.createWorkspace, { rawBody: JSON.stringify({ name: "y".repeat(MiB - 100) }) })).status).toBe(401);
  });

  it("SLUICE_MAX_BODY_BYTES sets the cap", async () => {
    process.env.SLUICE_MAX_BODY_BYTES = "1000";
    expectProblem(await call(workspacesApi.createWorkspace, { token, rawBody: JSON.stringify({ name: "z".repeat(1000) }) }), 413, "payload_too_large");
  });

  it("direct path: a declared oversized body is refused before it is read", async () => {
    const answer = await rawRequest(server.port, {
      method: "POST",
      path: "/api/v1/workspaces",
      headers: { authorization: "Bearer not-a-token", "content-type": "application/json", "content-length": 2 * MiB },
      body: Buffer.alloc(2 * MiB, 0x20),
    }).catch(() => undefined);
    // The server may close the socket before the client finishes sending; when it answers, it is a 413.
    if (answer) expectRawProblem(answer, 413, "payload_too_large");
  });

  it("direct path: a chunked body is cut off at the cap with a 413", async () => {
    async function* chunks() {
      for (let i = 0; i < 32; i++) yield Buffer.alloc(64 * 1024, 0x20);
    }
    const answer = await rawRequest(server.port, { method: "POST", path: "/api/v1/workspaces", headers: { authorization: "Bearer not-a-token", "content-type": "application/json" }, body: chunks() });
    expectRawProblem(answer, 413, "payload_too_large");
  });
});

describe("malformed requests are a 400 or 404 with the failing field, never a 500", () => {
  it("a NUL byte in a path segment (route handler)", async () => {
    const answer = await call(workflowsApi.getWorkflow, { token, params: { id: workspaceId, name: "fl\u0000ow" } });
    expectProblem(answer, 400, "validation_failed");
    expect(fieldPaths(answer)).toEqual(["params.name"]);
  });

  it("a NUL byte and bad percent-encoding in a path segment (direct path)", async () => {
    const headers = { authorization: `Bearer ${token}` };
    const nul = await rawRequest(server.port, { path: `/api/v1/workspaces/${workspaceId}/workflows/fl%00ow`, headers });
    expectRawProblem(nul, 400, "validation_failed");
    expect(fieldPaths(nul)).toEqual(["params.name"]);
    for (const segment of ["%ZZ", "%E0%A4%A", "%"]) {
      const bad = await rawRequest(server.port, { path: `/api/v1/workspaces/${workspaceId}/workflows/${segment}`, headers });
      expectRawProblem(bad, 400, "invalid_path");
      expect(fieldPaths(bad)).toEqual(["params.name"]);
    }
  });

  it("a version number beyond the column's range", async () => {
    const answer = await call(workflowsApi.getVersion, { token, params: { id: workspaceId, name: "flow", version: "2147483648" } });
    expectProblem(answer, 400, "validation_failed");
    expect(fieldPaths(answer)).toEqual(["params.version"]);
    expectProblem(await call(workspacesApi.updateWorkspace, { token, params: { id: workspaceId }, body: { description: "d" }, headers: { "if-match": '"99999999999"' } }), 400, "invalid_if_match");
  });

  it("an unknown enum value", async () => {
    const answer = await call(workflowsApi.exportWorkflow, { token, params: { id: workspaceId, name: "flow" }, query: { format: "zip" } });
    expectProblem(answer, 400, "validation_failed");
    expect(fieldPaths(answer)).toEqual(["query.format"]);
  });

  it("prototype-like keys in query strings and bodies", async () => {
    const inQuery = await call(workspacesApi.listWorkspaces, { token, query: JSON.parse('{"__proto__":"x"}') });
    expectProblem(inQuery, 400, "validation_failed");
    expect(fieldPaths(inQuery)).toEqual(["query.__proto__"]);
    const queryAnswer = await rawRequest(server.port, { path: "/api/v1/workspaces?__proto__=x&constructor=y", headers: { authorization: `Bearer ${token}` } });
    expectRawProblem(queryAnswer, 400, "validation_failed");
    expect(fieldPaths(queryAnswer)).toContain("query.__proto__");

    const inBody = await call(workspacesApi.createWorkspace, { token, rawBody: '{"name":"p","__proto__":{"admin":true}}' });
    expectProblem(inBody, 400, "validation_failed");
    expect(fieldPaths(inBody)).toEqual(["__proto__"]);
    const nested = await call(workflowsApi.createWorkflow, { token, params: { id: workspaceId }, rawBody: '{"name":"q","spec":{"labels":{"__proto__":"x"}}}' });
    expect(fieldPaths(nested)).toEqual(["spec.labels.__proto__"]);
    const constructorKey = await call(workspacesApi.createWorkspace, { token, rawBody: '{"name":"p","constructor":{"prototype":{}}}' });
    expectProblem(constructorKey, 400, "validation_failed");
    // as a label, `constructor` is ordinary data
    const label = await call(workflowsApi.createWorkflow, { token, params: { id: workspaceId }, body: { name: `c-${randomBytes(3).toString("hex")}`, spec: { labels: { constructor: "x" } } } });
    expect(label.status, label.text).toBe(201);
    expect(label.body.labels).toEqual({ constructor: "x" });
  });

  it("JSON nested deeper than any document is refused without parsing it", async () => {
    const deep = `{"name":"d","description":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const answer = await call(workspacesApi.createWorkspace, { token, rawBody: deep });
    expectProblem(answer, 400, "invalid_json");
  });

  it("a body that is not UTF-8", async () => {
    const answer = await rawRequest(server.port, { method: "POST", path: "/api/v1/workspaces", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    expectRawProblem(answer, 400, "invalid_encoding");
  });

  it("a request id that is not a plain token is replaced, not echoed", async () => {
    const answer = await call(workspacesApi.listWorkspaces, { token, headers: { "x-request-id": "évil\u00ff" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("security headers on the direct path", () => {
  it("every API answer carries them", async () => {
    for (const answer of [
      await rawRequest(server.port, { path: "/api/v1/workspaces", headers: { authorization: `Bearer ${token}` } }),
      await rawRequest(server.port, { path: "/api/v1/workspaces/%ZZ", headers: { authorization: `Bearer ${token}` } }),
    ]) {
      expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(answer.headers["strict-transport-security"]).toBeUndefined();
    }
    const https = await rawRequest(server.port, { path: "/api/v1/workspaces", headers: { authorization: `Bearer ${token}`, "x-forwarded-proto": "https" } });
    expect(https.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });
});
