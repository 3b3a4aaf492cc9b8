import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { clients } from "@/db/schema";
import * as auditApi from "@/lib/audit/endpoints";
import * as clientsApi from "@/lib/clients/endpoints";
import { revokeClient } from "@/lib/clients/service";
import type { Endpoint } from "@/lib/http/endpoint";
import { call, expectFieldErrors, expectProblem, type CallOptions } from "@/lib/testing/http";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import * as workspacesApi from "@/lib/workspaces/endpoints";
import { authConfig } from "./config";
import { issueToken } from "./endpoints";
import { signingKey } from "./keys";
import { forgetVerifiedTokens } from "./tokens";
import { TOKEN_LIMIT_PER_ADDRESS, TOKEN_LIMIT_PER_CLIENT } from "./token-schema";

// Outside Next.js there is no request scope, so its request-time APIs throw. These stand in for
// "a request without a session cookie" (third-party boundaries only; Sluice's code runs as it is).
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<typeof import("next/server")>()), connection: async () => undefined }));
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const fromB64 = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString());
const address = () => `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

type TestClient = Awaited<ReturnType<typeof testToken>>;

/** A token request from an address of its own, so the per-address limit stays out of the way. */
function tokenRequest(body: Record<string, string>, options: { form?: boolean; headers?: Record<string, string> } = {}) {
  const headers = { "x-sluice-peer": address(), ...options.headers };
  return options.form ? call(issueToken, { form: body, headers }) : call(issueToken, { body, headers });
}

const grant = (client: TestClient, extra: Record<string, string> = {}) => ({
  grant_type: "client_credentials",
  client_id: client.client.clientId,
  client_secret: client.clientSecret,
  ...extra,
});

let tenantSlug: string;
let operator: Awaited<ReturnType<typeof testTenant>>["operator"];
let reader: TestClient;

beforeAll(async () => {
  const t = await testTenant("tok");
  tenantSlug = t.tenant.slug;
  operator = t.operator;
  reader = await testToken(operator, ["workspaces:read", "workspaces:write"]);
});

/** A token signed with Sluice's own key, as issueClientToken would make it, with claims overridden. */
async function ownToken(client: TestClient, claims: JWTPayload = {}, header: Record<string, unknown> = {}) {
  const key = await signingKey();
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    scope: client.client.scopes.join(" "),
    tenant: tenantSlug,
    client_id: client.client.clientId,
    iss: authConfig.issuer(),
    aud: authConfig.audience(),
    sub: client.client.id,
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: randomUUID(),
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header }).sign(key.privateKey);
}

describe("POST /oauth/token", () => {
  it("issues a token for a JSON request", async () => {
    const res = await tokenRequest(grant(reader));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 900, scope: "workspaces:read workspaces:write" });

    const key = await signingKey();
    expect(decodeProtectedHeader(res.body.access_token)).toEqual({ alg: "ES256", kid: key.kid, typ: "at+jwt" });
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toEqual({
      scope: "workspaces:read workspaces:write",
      tenant: tenantSlug,
      client_id: reader.client.clientId,
      iss: authConfig.issuer(),
      aud: authConfig.audience(),
      sub: reader.client.id,
      iat: expect.any(Number),
      nbf: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);

    const used = await call(workspacesApi.listWorkspaces, { token: res.body.access_token });
    expect(used.status).toBe(200);
  });

  it("issues a token for a form request", async () => {
    const res = await tokenRequest(grant(reader), { form: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.token_type).toBe("Bearer");
    expect((await call(workspacesApi.listWorkspaces, { token: res.body.access_token })).status).toBe(200);
  });

  it("narrows the token to the requested scopes", async () => {
    const res = await tokenRequest(grant(reader, { scope: "  workspaces:read  " }), { form: true });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe("workspaces:read");
    expect(decodeJwt(res.body.access_token).scope).toBe("workspaces:read");
    const token = res.body.access_token;
    expect((await call(workspacesApi.listWorkspaces, { token })).status).toBe(200);
    const problem = expectProblem(await call(workspacesApi.createWorkspace, { token, body: { name: "nope" } }), 403, "insufficient_scope");
    expect(problem.requiredScope).toBe("workspaces:write");
  });

  it.each([
    ["a scope the client lacks", "audit:read"],
    ["one of two scopes the client lacks", "workspaces:read clients:write"],
    ["a scope that does not exist", "admin"],
    ["a scope of other case", "Workspaces:Read"],
  ])("refuses %s: 400 invalid_scope", async (_name, scope) => {
    expectProblem(await tokenRequest(grant(reader, { scope })), 400, "invalid_scope");
    expectProblem(await tokenRequest(grant(reader, { scope }), { form: true }), 400, "invalid_scope");
  });

  it.each([
    ["a wrong secret", (c: TestClient) => grant(c, { client_secret: `${c.clientSecret.slice(0, -1)}x` })],
    ["another client's secret", (c: TestClient) => grant(c, { client_secret: "x".repeat(43) })],
    ["an unknown client", (c: TestClient) => grant(c, { client_id: "sl_00000000000000000000" })],
  ])("refuses %s: 401 invalid_client", async (_name, body) => {
    for (const form of [false, true]) {
      const res = await tokenRequest(body(reader), { form });
      expectProblem(res, 401, "invalid_client");
      expect(res.body.access_token).toBeUndefined();
    }
  });

  it("refuses a revoked client: 401 invalid_client", async () => {
    const doomed = await testToken(operator, ["workspaces:read"]);
    await revokeClient(operator, { id: doomed.client.id });
    expectProblem(await tokenRequest(grant(doomed)), 401, "invalid_client");
  });

  it.each<[string, Record<string, string>, string]>([
    ["another grant type", { grant_type: "password" }, "grant_type"],
    ["no grant type", { grant_type: undefined as unknown as string }, "grant_type"],
    ["no secret", { client_secret: undefined as unknown as string }, "client_secret"],
    ["an empty client id", { client_id: "" }, "client_id"],
    ["an unknown field", { audience: "other" }, "audience"],
    ["a NUL character in the client id", { client_id: "sl_\u0000" }, "client_id"],
  ])("refuses %s: 400 with field errors", async (_name, change, path) => {
    const body: Record<string, string> = grant(reader, change);
    for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
    for (const form of [false, true]) {
      const errors = expectFieldErrors(await tokenRequest(body, { form }));
      expect(errors.map((e) => e.path)).toContain(path);
    }
  });

  it("refuses a body that is not JSON, or JSON of the wrong shape", async () => {
    expectFieldErrors(await call(issueToken, { rawBody: "grant_type=client_credentials", headers: { "x-sluice-peer": address() } }), "invalid_json");
    expectFieldErrors(await call(issueToken, { body: { ...grant(reader), client_id: 12 }, headers: { "x-sluice-peer": address() } }));
    expectFieldErrors(await call(issueToken, { body: [grant(reader)], headers: { "x-sluice-peer": address() } }));
  });

  it("limits token requests per client", async () => {
    const busy = await testToken(operator, ["workspaces:read"]);
    for (let i = 0; i < TOKEN_LIMIT_PER_CLIENT; i++) expect((await tokenRequest(grant(busy))).status).toBe(200);
    const limited = expectProblem(await tokenRequest(grant(busy)), 429, "rate_limited");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    // other clients are not affected
    expect((await tokenRequest(grant(reader))).status).toBe(200);
  });

  it("limits token requests per address, also for wrong secrets", async () => {
    const from = address();
    for (let i = 0; i < TOKEN_LIMIT_PER_ADDRESS; i++) {
      const wrong = grant(reader, { client_id: `sl_unknown_${i}` });
      expect((await tokenRequest(wrong, { headers: { "x-sluice-peer": from } })).status).toBe(401);
    }
    expectProblem(await tokenRequest(grant(reader), { headers: { "x-sluice-peer": from } }), 429, "rate_limited");
  });
});

describe("bearer token verification", () => {
  const endpoints: [string, Endpoint, CallOptions][] = [
    ["GET /workspaces", workspacesApi.listWorkspaces, {}],
    ["POST /workspaces", workspacesApi.createWorkspace, { body: { name: "x" } }],
    ["GET /workspaces/{id}", workspacesApi.getWorkspace, { params: { id: "5f0c8b55-7d8f-4a4e-9f3b-1d8e6e6c2a10" } }],
    ["DELETE /workspaces/{id}/members/{kind}/{memberId}", workspacesApi.removeMember, { params: { id: "x", kind: "user", memberId: "y" } }],
    ["GET /clients", clientsApi.listClients, {}],
    ["POST /clients/{id}/secret", clientsApi.rotateClientSecret, { params: { id: "x" } }],
    ["GET /audit", auditApi.listAudit, {}],
  ];

  function expectUnauthorized(res: Awaited<ReturnType<typeof call>>, reason?: RegExp) {
    const problem = expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="sluice"');
    if (reason) expect(problem.title).toMatch(reason);
    return problem;
  }

  it.each(endpoints)("401 without a token: %s", async (_name, endpoint, options) => {
    expectUnauthorized(await call(endpoint, options));
  });

  it("accepts a hand-made token signed with Sluice's key (the crafting below is sound)", async () => {
    const res = await call(workspacesApi.listWorkspaces, { token: await ownToken(reader) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("401 for an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await ownToken(reader, { iat: now - 1000, nbf: now - 1000, exp: now - 60 });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }), /ERR_JWT_EXPIRED/);
  });

  it("401 for a token that is not valid yet", async () => {
    const token = await ownToken(reader, { nbf: Math.floor(Date.now() / 1000) + 600 });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }), /ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  it("401 for a token without exp", async () => {
    const token = await ownToken(reader, { exp: undefined });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }), /ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  it.each([
    ["another audience", { aud: "another-api" }],
    ["a list of other audiences", { aud: ["a", "b"] }],
    ["no audience", { aud: undefined }],
  ])("401 for a token with %s", async (_name, claims) => {
    const token = await ownToken(reader, claims as JWTPayload);
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }), /ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  it("401 for a token of another issuer, even signed with Sluice's key", async () => {
    const token = await ownToken(reader, { iss: "https://evil.example" });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }), /issuer/);
  });

  it("401 for a tampered signature", async () => {
    const token = await ownToken(reader);
    const [header, payload, signature] = token.split(".");
    const i = 10;
    const flipped = `${signature.slice(0, i)}${signature[i] === "A" ? "B" : "A"}${signature.slice(i + 1)}`;
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token: `${header}.${payload}.${flipped}` }), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    // the untouched token still works
    expect((await call(workspacesApi.listWorkspaces, { token })).status).toBe(200);
  });

  it("401 for a tampered payload (scope widened) with the original signature", async () => {
    const issued = (await tokenRequest(grant(reader, { scope: "workspaces:read" }))).body.access_token as string;
    const [header, payload, signature] = issued.split(".");
    const widened = b64({ ...fromB64(payload), scope: "workspaces:read workspaces:write" });
    const res = await call(workspacesApi.createWorkspace, { token: `${header}.${widened}.${signature}`, body: { name: "widened" } });
    expectUnauthorized(res, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  });

  it("401 for an unsigned alg:none token", async () => {
    const real = decodeJwt(await ownToken(reader));
    for (const header of [{ alg: "none" }, { alg: "none", typ: "JWT" }, { alg: "none", kid: (await signingKey()).kid }, { alg: "NONE" }]) {
      const token = `${b64(header)}.${b64(real)}.`;
      expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }));
    }
  });

  it("401 for an HMAC token keyed with Sluice's public key (algorithm confusion)", async () => {
    const key = await signingKey();
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await new SignJWT(decodeJwt(await ownToken(reader))).setProtectedHeader({ alg: "HS256", kid: key.kid }).sign(secret);
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }));
  });

  it("401 for a token signed by another key with the right issuer and kid", async () => {
    const own = await signingKey();
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    expect((await exportJWK(publicKey)).x).not.toBe(own.publicJwk.x);
    const token = await new SignJWT(decodeJwt(await ownToken(reader))).setProtectedHeader({ alg: "ES256", kid: own.kid, typ: "at+jwt" }).sign(privateKey);
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  });

  it("401 for a token with an unknown kid", async () => {
    const token = await ownToken(reader, {}, { kid: randomUUID() });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }));
  });

  it("401 for a token whose subject is an unknown client", async () => {
    const token = await ownToken(reader, { sub: randomUUID() });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token }));
  });

  it("401 for a token of another tenant's client naming this tenant", async () => {
    const other = await testTenant("tok-b");
    const stranger = await testToken(other.operator, ["workspaces:read"], ["sluice-admin"]);
    // the tenant claim is informational: the client row decides the tenant
    const token = await ownToken(stranger, { tenant: tenantSlug });
    const res = await call(workspacesApi.listWorkspaces, { token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it.each<[string, (token: string) => string]>([
    ["Basic credentials", () => `Basic ${b64("id:secret")}`],
    ["a scheme other than Bearer", (token) => `Token ${token}`],
    ["Bearer without a token", () => "Bearer"],
    ["Bearer with a blank token", () => "Bearer "],
    ["a token without a scheme", (token) => token],
    ["a bearer token that is not a JWT", () => "Bearer not-a-jwt"],
    ["a bearer token of three garbage parts", () => "Bearer a.b.c"],
    ["a bearer token with an empty payload", () => "Bearer eyJhbGciOiJFUzI1NiJ9..sig"],
  ])("401 for a malformed Authorization header: %s", async (_name, header) => {
    const res = await call(workspacesApi.listWorkspaces, { headers: { authorization: header(reader.token) } });
    expectUnauthorized(res);
  });

  it("accepts the Bearer scheme in any case", async () => {
    expect((await call(workspacesApi.listWorkspaces, { headers: { authorization: `bearer ${reader.token}` } })).status).toBe(200);
  });

  it("403 insufficient_scope for a valid token without the endpoint's scope", async () => {
    const auditor = await testToken(operator, ["audit:read"], ["sluice-admin"]);
    const problem = expectProblem(await call(workspacesApi.listWorkspaces, { token: auditor.token }), 403, "insufficient_scope");
    expect(problem.requiredScope).toBe("workspaces:read");
    expect(expectProblem(await call(clientsApi.listClients, { token: auditor.token }), 403, "insufficient_scope").requiredScope).toBe("clients:read");
    expect((await call(auditApi.listAudit, { token: auditor.token })).status).toBe(200);
  });

  it("a revoked client's token stops working at once, though it was verified (and cached) before", async () => {
    const doomed = await testToken(operator, ["workspaces:read"]);
    expect((await call(workspacesApi.listWorkspaces, { token: doomed.token })).status).toBe(200);
    await revokeClient(operator, { id: doomed.client.id });
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token: doomed.token }), /revoked/);
  });

  it("a client revoked elsewhere (another instance) is refused once the cached verification is gone", async () => {
    const doomed = await testToken(operator, ["workspaces:read"]);
    expect((await call(workspacesApi.listWorkspaces, { token: doomed.token })).status).toBe(200);
    const db = await database();
    await db.update(clients).set({ revokedAt: new Date() }).where(eq(clients.id, doomed.client.id));
    forgetVerifiedTokens();
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token: doomed.token }), /revoked/);
    // a token made afterwards with the same key is refused too
    expectUnauthorized(await call(workspacesApi.listWorkspaces, { token: await ownToken(doomed) }), /revoked/);
  });
});
