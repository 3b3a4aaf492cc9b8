import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "@/lib/auth/endpoints";
import { call, expectFieldErrors, expectProblem } from "@/lib/testing/http";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { listWorkspaces } from "@/lib/workspaces/endpoints";
import * as api from "./endpoints";

type Setup = Awaited<ReturnType<typeof tenantWithAdmin>>;

async function tenantWithAdmin(prefix = "cl") {
  const { tenant, operator } = await testTenant(prefix);
  const admin = await testToken(operator, ["clients:read", "clients:write", "workspaces:read"], ["sluice-admin"]);
  return { tenant, operator, admin: admin.token, adminClient: admin.client };
}

/** Token requests, each from its own address so the per-address rate limit stays out of the way. */
function requestToken(clientId: string, clientSecret: string, scope?: string) {
  return call(issueToken, {
    body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) },
    headers: { "x-sluice-peer": `10.1.${randomBytes(1)[0]}.${randomBytes(1)[0]}` },
  });
}

async function createClient(token: string, body: Record<string, unknown>) {
  const res = await call(api.createClient, { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { client: { id: string; clientId: string; [key: string]: unknown }; clientSecret: string };
}

const uniqueName = () => `bot-${randomBytes(3).toString("hex")}`;

describe("machine clients API", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await tenantWithAdmin();
  });

  it("creates a client: 201 with the secret once", async () => {
    const name = uniqueName();
    const res = await call(api.createClient, { token: s.admin, body: { name: `  ${name} `, scopes: ["workspaces:read", "audit:read", "workspaces:read"], roles: ["ops", "ops"] } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      client: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clientId: expect.stringMatching(/^sl_[0-9a-f]{20}$/),
        name,
        scopes: ["workspaces:read", "audit:read"],
        roles: ["ops"],
        createdBy: `client ${s.adminClient.name}`,
        createdAt: expect.any(String),
        secretRotatedAt: null,
        lastUsedAt: null,
        revoked: false,
      },
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    // the secret works at the token endpoint
    const token = await requestToken(res.body.client.clientId, res.body.clientSecret);
    expect(token.status).toBe(200);
  });

  it("never shows the secret again: not in the list, not in get", async () => {
    const created = await createClient(s.admin, { name: uniqueName(), scopes: ["workspaces:read"] });
    const list = await call(api.listClients, { token: s.admin });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((c: { id: string }) => c.id === created.client.id);
    expect(listed).toEqual(created.client);
    expect(list.text).not.toContain(created.clientSecret);
    expect(list.text).not.toMatch(/secret(Hash)?"\s*:/i);
    const got = await call(api.getClient, { token: s.admin, params: { id: created.client.id } });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.client);
    expect(got.text).not.toContain(created.clientSecret);
  });

  it("lists the tenant's clients newest first, only its own", async () => {
    const other = await tenantWithAdmin();
    const first = await createClient(s.admin, { name: uniqueName(), scopes: ["audit:read"] });
    const second = await createClient(s.admin, { name: uniqueName(), scopes: ["audit:read"] });
    const ids = (await call(api.listClients, { token: s.admin })).body.items.map((c: { id: string }) => c.id);
    expect(ids.indexOf(second.client.id)).toBeLessThan(ids.indexOf(first.client.id));
    expect(ids).toContain(s.adminClient.id);
    const otherIds = (await call(api.listClients, { token: other.admin })).body.items.map((c: { id: string }) => c.id);
    expect(otherIds).toEqual([other.adminClient.id]);
  });

  it("rotates the secret: the old one stops working, the new one works", async () => {
    const created = await createClient(s.admin, { name: uniqueName(), scopes: ["workspaces:read"] });
    const rotated = await call(api.rotateClientSecret, { token: s.admin, params: { id: created.client.id } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).toEqual(expect.any(String));
    expect(rotated.body.clientSecret).not.toBe(created.clientSecret);
    expect(rotated.body.client).toMatchObject({ id: created.client.id, clientId: created.client.clientId, secretRotatedAt: expect.any(String), revoked: false });

    expectProblem(await requestToken(created.client.clientId, created.clientSecret), 401, "invalid_client");
    const fresh = await requestToken(created.client.clientId, rotated.body.clientSecret);
    expect(fresh.status).toBe(200);
    expect((await call(listWorkspaces, { token: fresh.body.access_token })).status).toBe(200);
    const got = await call(api.getClient, { token: s.admin, params: { id: created.client.id } });
    expect(got.body.lastUsedAt).toEqual(expect.any(String));
  });

  it("revokes: the client stops getting tokens and its tokens stop working", async () => {
    const created = await createClient(s.admin, { name: uniqueName(), scopes: ["workspaces:read"] });
    const issued = await requestToken(created.client.clientId, created.clientSecret);
    expect((await call(listWorkspaces, { token: issued.body.access_token })).status).toBe(200);

    const revoked = await call(api.revokeClient, { token: s.admin, params: { id: created.client.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.client.id, revoked: true });

    // the token verified a moment ago is refused at once, cached or not
    expectProblem(await call(listWorkspaces, { token: issued.body.access_token }), 401, "unauthorized");
    expectProblem(await requestToken(created.client.clientId, created.clientSecret), 401, "invalid_client");
    // revoking again changes nothing
    expect((await call(api.revokeClient, { token: s.admin, params: { id: created.client.id } })).body).toEqual(revoked.body);
    // a revoked client cannot be given a new secret
    expectProblem(await call(api.rotateClientSecret, { token: s.admin, params: { id: created.client.id } }), 404, "not_found");
    // hidden from the list unless asked for
    const ids = async (query?: Record<string, string>) => (await call(api.listClients, { token: s.admin, query })).body.items.map((c: { id: string }) => c.id);
    expect(await ids()).not.toContain(created.client.id);
    expect(await ids({ includeRevoked: "false" })).not.toContain(created.client.id);
    expect(await ids({ includeRevoked: "true" })).toContain(created.client.id);
    // still readable
    expect((await call(api.getClient, { token: s.admin, params: { id: created.client.id } })).body.revoked).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ["no scopes", { name: "x", scopes: [] }, "scopes"],
    ["an unknown scope", { name: "x", scopes: ["workspaces:admin"] }, "scopes.0"],
    ["scopes as a string", { name: "x", scopes: "workspaces:read" }, "scopes"],
    ["a missing name", { scopes: ["audit:read"] }, "name"],
    ["a blank name", { name: "  ", scopes: ["audit:read"] }, "name"],
    ["a name of 101 characters", { name: "n".repeat(101), scopes: ["audit:read"] }, "name"],
    ["an empty role", { name: "x", scopes: ["audit:read"], roles: [""] }, "roles.0"],
    ["a numeric role", { name: "x", scopes: ["audit:read"], roles: [7] }, "roles.0"],
    ["an unknown field", { name: "x", scopes: ["audit:read"], clientSecret: "mine" }, "clientSecret"],
    ["a NUL character in the name", { name: "x\u0000y", scopes: ["audit:read"] }, "name"],
  ])("refuses to create with %s: 400 with field errors", async (_name, body, path) => {
    const errors = expectFieldErrors(await call(api.createClient, { token: s.admin, body }));
    expect(errors.map((e) => e.path)).toContain(path);
  });

  it("refuses invalid JSON and an unknown query parameter", async () => {
    expectFieldErrors(await call(api.createClient, { token: s.admin, rawBody: "{'name':'x'}" }), "invalid_json");
    expect(expectFieldErrors(await call(api.listClients, { token: s.admin, query: { includeRevoked: "yes" } })).map((e) => e.path)).toContain("query.includeRevoked");
    expect(expectFieldErrors(await call(api.listClients, { token: s.admin, query: { limit: "5" } })).map((e) => e.path)).toContain("query.limit");
  });

  it.each([
    ["an unknown id", "5f0c8b55-7d8f-4a4e-9f3b-1d8e6e6c2a10"],
    ["an id that is not a UUID", "sl_0123"],
  ])("404 for %s", async (_name, id) => {
    expectProblem(await call(api.getClient, { token: s.admin, params: { id } }), 404, "not_found");
    expectProblem(await call(api.revokeClient, { token: s.admin, params: { id } }), 404, "not_found");
    expectProblem(await call(api.rotateClientSecret, { token: s.admin, params: { id } }), 404, "not_found");
  });

  it("needs the clients scopes: read for reading, write for changes", async () => {
    const created = await createClient(s.admin, { name: uniqueName(), scopes: ["audit:read"] });
    const reader = await testToken(s.operator, ["clients:read"], ["sluice-admin"]);
    expect((await call(api.listClients, { token: reader.token })).status).toBe(200);
    expect((await call(api.getClient, { token: reader.token, params: { id: created.client.id } })).status).toBe(200);
    for (const problem of [
      await call(api.createClient, { token: reader.token, body: { name: "x", scopes: ["audit:read"] } }),
      await call(api.revokeClient, { token: reader.token, params: { id: created.client.id } }),
      await call(api.rotateClientSecret, { token: reader.token, params: { id: created.client.id } }),
    ]) {
      expect(expectProblem(problem, 403, "insufficient_scope").requiredScope).toBe("clients:write");
    }
    const none = await testToken(s.operator, ["workspaces:read"], ["sluice-admin"]);
    expect(expectProblem(await call(api.listClients, { token: none.token }), 403, "insufficient_scope").requiredScope).toBe("clients:read");
    expect((await call(api.getClient, { token: s.admin, params: { id: created.client.id } })).body.revoked).toBe(false);
  });

  it("needs the platform admin role", async () => {
    const created = await createClient(s.admin, { name: uniqueName(), scopes: ["audit:read"] });
    const { token } = await testToken(s.operator, ["clients:read", "clients:write"], ["ops", "sluice-admin-x", "Sluice-Admin"]);
    expectProblem(await call(api.listClients, { token }), 403, "forbidden");
    expectProblem(await call(api.getClient, { token, params: { id: created.client.id } }), 403, "forbidden");
    expectProblem(await call(api.createClient, { token, body: { name: "x", scopes: ["audit:read"] } }), 403, "forbidden");
    expectProblem(await call(api.revokeClient, { token, params: { id: created.client.id } }), 403, "forbidden");
    expectProblem(await call(api.rotateClientSecret, { token, params: { id: created.client.id } }), 403, "forbidden");
  });
});

describe("tenant isolation: client routes answer 404 for another tenant's clients", () => {
  let a: Setup;
  let b: Setup;
  let victim: { client: { id: string; clientId: string }; clientSecret: string };

  beforeAll(async () => {
    a = await tenantWithAdmin("cl-a");
    b = await tenantWithAdmin("cl-b");
    victim = await createClient(a.admin, { name: uniqueName(), scopes: ["workspaces:read"] });
  });

  it.each([
    ["GET /clients/{id}", () => call(api.getClient, { token: b.admin, params: { id: victim.client.id } })],
    ["DELETE /clients/{id}", () => call(api.revokeClient, { token: b.admin, params: { id: victim.client.id } })],
    ["POST /clients/{id}/secret", () => call(api.rotateClientSecret, { token: b.admin, params: { id: victim.client.id } })],
  ])("%s", async (_name, request) => {
    expectProblem(await request(), 404, "not_found");
  });

  it("left tenant A's client working and unchanged", async () => {
    const got = await call(api.getClient, { token: a.admin, params: { id: victim.client.id } });
    expect(got.body).toMatchObject({ revoked: false, secretRotatedAt: null });
    expect((await requestToken(victim.client.clientId, victim.clientSecret)).status).toBe(200);
  });
});
