import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { configurationProblems } from "@/lib/config/check";
import { createWorkspace, listWorkspaces } from "@/lib/workspaces/endpoints";
import { createWorkspace as createWorkspaceService, addMember } from "@/lib/workspaces/service";

/** Tokens from an external issuer (AUTH_JWT_*), verified against its JWKS served on loopback. */
describe("bearer tokens from an external issuer", () => {
  let server: http.Server;
  let privateKey: CryptoKey;
  let tenantSlug: string;
  let adminEmail: string;
  const issuer = "https://idp.example.test";
  const audience = "sluice-external";

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "ext-1", alg: "RS256", use: "sig" };
    server = http.createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.AUTH_JWT_ISSUER = issuer;
    process.env.AUTH_JWT_AUDIENCE = audience;
    process.env.AUTH_JWT_JWKS_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    process.env.AUTH_TENANT_CLAIM = "tenant";
    const { tenant, operator } = await testTenant("ext");
    tenantSlug = tenant.slug;
    await createWorkspaceService(operator, { name: "data", accessRules: [["data-team"]] });
    await createWorkspaceService(operator, { name: "ops", accessRules: [["ops"]], hidden: true });
    const admin = await testUser(tenant.slug, operator, { admin: true });
    adminEmail = admin.subject;
    const secret = await createWorkspaceService(operator, { name: "admins-secret", accessRules: [], hidden: true });
    await addMember(operator, { workspaceId: secret.id, email: admin.subject, role: "admin" });
  });

  afterAll(() => {
    for (const key of ["AUTH_JWT_ISSUER", "AUTH_JWT_AUDIENCE", "AUTH_JWT_JWKS_URL", "AUTH_TENANT_CLAIM"]) delete process.env[key];
    server.close();
  });

  const token = (claims: Record<string, unknown>, options: { audience?: string; issuer?: string; expiresIn?: string } = {}) =>
    new SignJWT({ email: "dana@example.test", name: "Dana", tenant: tenantSlug, roles: ["data-team"], scope: "workspaces:read", ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "ext-1" })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? audience)
      .setSubject("dana")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "5m")
      .sign(privateKey);

  it("maps roles and tenant from the claims and applies the workspace rules", async () => {
    const response = await call(listWorkspaces, { token: await token({}) });
    expect(response.status).toBe(200);
    expect(response.body.items.map((w: { name: string; access: string }) => [w.name, w.access])).toEqual([["data", "editor"]]);
  });

  it("limits by the token's scope", async () => {
    const response = await call(createWorkspace, { token: await token({}), body: { name: "nope" } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe("insufficient_scope");
  });

  it("rejects a wrong audience, an unknown tenant and an expired token", async () => {
    expect((await call(listWorkspaces, { token: await token({}, { audience: "someone-else" }) })).status).toBe(401);
    expect((await call(listWorkspaces, { token: await token({ tenant: "no-such-tenant" }) })).status).toBe(401);
    expect((await call(listWorkspaces, { token: await token({}, { expiresIn: "-1m" }) })).status).toBe(401);
  });

  it("a token whose e-mail equals a local admin's acts as its own user, not as the admin", async () => {
    const response = await call(listWorkspaces, { token: await token({ email: adminEmail, email_verified: true, roles: [] }) });
    expect(response.status).toBe(200);
    expect(response.body.items.map((w: { name: string }) => w.name)).not.toContain("admins-secret");
  });

  it("a token without Sluice scopes acts with a signed-in user's scopes: its roles and memberships decide", async () => {
    const noScopes = await token({ scope: "openid profile", roles: ["data-team"] });
    const created = await call(createWorkspace, { token: noScopes, body: { name: "by-roles" } });
    // creating workspaces needs the platform admin role, not a scope: the policy refuses, with no scope error
    expect(created.status).toBe(403);
    expect(created.body.code).toBe("forbidden");
    const admin = await token({ scope: undefined, roles: ["sluice-admin"] });
    expect((await call(createWorkspace, { token: admin, body: { name: "by-admin-role" } })).status).toBe(201);
  });

  it("a token with Sluice scopes is limited to them, whatever its roles", async () => {
    const limited = await token({ scope: "workspaces:read openid", roles: ["sluice-admin"] });
    expect((await call(listWorkspaces, { token: limited })).status).toBe(200);
    expect((await call(createWorkspace, { token: limited, body: { name: "nope-2" } })).body.code).toBe("insufficient_scope");
  });

  it("never accepts the scope '*' from an external issuer", async () => {
    const star = await token({ scope: "*", roles: ["sluice-admin"] });
    const response = await call(createWorkspace, { token: star, body: { name: "star" } });
    expect(response.status).toBe(401);
    expect(response.body.title).toMatch(/'\*'/);
  });

  it("start refuses an external issuer without an audience", () => {
    const saved = process.env.AUTH_JWT_AUDIENCE;
    delete process.env.AUTH_JWT_AUDIENCE;
    try {
      expect(configurationProblems().join("\n")).toMatch(/AUTH_JWT_AUDIENCE/);
    } finally {
      process.env.AUTH_JWT_AUDIENCE = saved;
    }
    expect(configurationProblems()).toEqual([]);
  });
});
