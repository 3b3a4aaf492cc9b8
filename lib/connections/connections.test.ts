import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { connections, oauthProviders, secrets } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { secretNamesOf, revealSecretValue, listSecrets, putSecret, deleteSecret } from "@/lib/secrets/service";
import { readVersion } from "@/lib/secrets/values";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import { authorizeAtProvider, oauthServer } from "./oidc.testing";
import { createProvider, deleteProvider, listProviders, oauthClientOf, updateProvider } from "./providers";
import { completeConnection, deleteConnection, getConnection, listConnections, startConnection } from "./service";
import { connectionToken } from "./tokens";

const TTL_SECONDS = 6;
let server: Awaited<ReturnType<typeof oauthServer>>;
let operator: Principal;
let admin: Principal;
let tenantSlug: string;
let providerId: string;

beforeAll(async () => {
  server = await oauthServer({ accessTokenTtl: TTL_SECONDS, clockTolerance: 0 });
  const { tenant, operator: op } = await testTenant("conn");
  operator = op;
  tenantSlug = tenant.slug;
  admin = await testUser(tenant.slug, operator, { admin: true });
  providerId = (await createProvider(admin, { name: "test idp", ...server.provider })).id;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
});

const newWorkspace = async () => (await createWorkspace(operator, { name: `conn-${randomBytes(3).toString("hex")}` })).id;

/** Connects `name` in the workspace the way a person does: start, sign in at the provider, come back. */
async function connect(workspaceId: string, name: string, account: "dana" | "oscar" = "dana") {
  const { authorizationUrl } = await startConnection(admin, { workspaceId, name, providerId });
  return completeConnection(admin, await authorizeAtProvider(authorizationUrl, account));
}

async function tokenSecrets(workspaceId: string, name: string) {
  const db = await database();
  const [row] = await db.select().from(connections).where(and(eq(connections.name, name), eq(connections.workspaceId, workspaceId)));
  const byId = async (id: string | null) => (id ? (await db.select().from(secrets).where(eq(secrets.id, id)))[0] : undefined);
  return { row, access: await byId(row.accessSecretId), refresh: await byId(row.refreshSecretId) };
}

describe("OAuth providers", () => {
  it("are registered by platform admins with their client secret sealed, and listed to everyone", async () => {
    const member = await testUser(tenantSlug, operator);
    const listed = await listProviders(member);
    expect(listed.items).toEqual([expect.objectContaining({ id: providerId, name: "test idp", clientId: server.provider.clientId, redirectUri: "http://localhost:3000/connections/callback" })]);
    expect(JSON.stringify(listed)).not.toContain(server.provider.clientSecret);
    await expect(createProvider(member, { name: "mine", ...server.provider })).rejects.toMatchObject({ status: 403 });
    await expect(createProvider(admin, { name: "plain", ...server.provider, tokenUrl: "http://idp.example.test/token" })).rejects.toMatchObject({ status: 400 });
    await expect(createProvider(admin, { name: "broken", ...server.provider, authorizeUrl: "not a url" })).rejects.toMatchObject({ status: 400 });
  });

  it("are changed field by field; a new client secret replaces the old one unseen", async () => {
    const { id } = await createProvider(admin, { name: `changing-${randomBytes(2).toString("hex")}`, ...server.provider, clientSecret: "old-client-secret" });
    expect(await updateProvider(admin, { id })).toMatchObject({ id, scopes: "openid" });
    const changed = await updateProvider(admin, { id, scopes: "openid profile", clientSecret: "new-client-secret" });
    expect(changed).toMatchObject({ scopes: "openid profile", clientId: server.provider.clientId });
    const db = await database();
    const [row] = await db.select().from(oauthProviders).where(eq(oauthProviders.id, id));
    expect(oauthClientOf(row).clientSecret).toBe("new-client-secret");
    await expect(updateProvider(admin, { id, name: "test idp" })).rejects.toMatchObject({ status: 409, code: "provider_exists" });
  });
});

describe("a connection", () => {
  it("connects with the authorization code flow and PKCE, keeps its tokens as secrets, and gives runs a working token", async () => {
    vi.stubEnv("SLUICE_CONNECTION_REFRESH_MARGIN_SECONDS", "1");
    const ws = await newWorkspace();
    const { authorizationUrl } = await startConnection(admin, { workspaceId: ws, name: "idp", providerId });
    const request = new URL(authorizationUrl);
    expect(Object.fromEntries(request.searchParams)).toMatchObject({ response_type: "code", client_id: server.provider.clientId, code_challenge_method: "S256", scope: "openid", redirect_uri: "http://localhost:3000/connections/callback" });
    expect((await getConnection(admin, { workspaceId: ws, name: "idp" })).state).toBe("pending");

    const answer = await authorizeAtProvider(authorizationUrl);
    expect(await completeConnection(admin, answer)).toEqual({ workspaceId: ws, name: "idp" });
    await expect(completeConnection(admin, answer)).rejects.toMatchObject({ status: 400, code: "connection_callback_invalid" });

    const listed = (await listConnections(admin, { workspaceId: ws })).items;
    expect(listed).toEqual([expect.objectContaining({ name: "idp", state: "connected", error: null, secret: "connection.idp", provider: { id: providerId, name: "test idp" } })]);
    const { row, access, refresh } = await tokenSecrets(ws, "idp");
    expect(row).toMatchObject({ authState: null, sealedVerifier: null });
    expect([access?.name, refresh?.name]).toEqual(["connection.idp", "connection.idp.refresh"]);

    const token = await connectionToken(ws, "idp");
    expect(await server.whoIs(token.accessToken)).toBe("dana");
    expect(await revealSecretValue(ws, "connection.idp")).toBe(token.accessToken);
    // steps may name the access token; the refresh token never reaches a run, and people cannot overwrite either
    expect(await secretNamesOf(ws)).toEqual(["connection.idp"]);
    await expect(revealSecretValue(ws, "connection.idp.refresh")).rejects.toMatchObject({ status: 404 });
    expect((await listSecrets(admin, { workspaceId: ws })).items.map((s) => [s.name, s.connection])).toEqual([
      ["connection.idp", "idp"],
      ["connection.idp.refresh", "idp"],
    ]);
    await expect(putSecret(admin, { workspaceId: ws, name: "connection.idp", value: "x" })).rejects.toMatchObject({ status: 400 });
    await expect(deleteSecret(admin, { workspaceId: ws, name: "connection.idp" })).rejects.toMatchObject({ status: 409, code: "secret_managed" });
    vi.unstubAllEnvs();
  });

  it("refreshes a token that expires within the margin, and the old one really expires", async () => {
    vi.stubEnv("SLUICE_CONNECTION_REFRESH_MARGIN_SECONDS", "3");
    const ws = await newWorkspace();
    await connect(ws, "expiring");
    const first = await connectionToken(ws, "expiring");
    expect(first.version).toBe(1);
    expect((await connectionToken(ws, "expiring")).accessToken).toBe(first.accessToken);

    await new Promise((resolve) => setTimeout(resolve, (TTL_SECONDS - 3) * 1000 + 300));
    const renewed = await connectionToken(ws, "expiring");
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.version).toBe(2);
    expect(await server.whoIs(renewed.accessToken)).toBe("dana");
    const { row } = await tokenSecrets(ws, "expiring");
    expect(row.refreshedAt).not.toBeNull();
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + (TTL_SECONDS - 2) * 1000);

    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await server.whoIs(first.accessToken)).toBe(401);
    vi.unstubAllEnvs();
  });

  it("needs reconnecting when the provider refuses a revoked refresh token, says why, and reconnects", async () => {
    const ws = await newWorkspace();
    await connect(ws, "revoked");
    const { refresh } = await tokenSecrets(ws, "revoked");
    await server.revoke((await readVersion(await database(), refresh!)).value);
    const db = await database();
    await db.update(connections).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(connections.workspaceId, ws));

    await expect(connectionToken(ws, "revoked")).rejects.toMatchObject({ status: 409, code: "connection_needs_reconnect", message: expect.stringMatching(/^The connection revoked needs reconnecting: the provider refused the refresh: invalid_grant/) });
    const failed = await getConnection(admin, { workspaceId: ws, name: "revoked" });
    expect(failed).toMatchObject({ state: "needs_reconnect", error: expect.stringMatching(/invalid_grant/) });
    // a run that needs it fails with the same reason, without another call to the provider
    await expect(revealSecretValue(ws, "connection.revoked")).rejects.toMatchObject({ code: "connection_needs_reconnect" });

    await connect(ws, "revoked", "oscar");
    expect(await getConnection(admin, { workspaceId: ws, name: "revoked" })).toMatchObject({ state: "connected", error: null });
    expect(await server.whoIs((await connectionToken(ws, "revoked")).accessToken)).toBe("oscar");
  });

  it("records a refusal at the provider on the connection", async () => {
    const ws = await newWorkspace();
    const { authorizationUrl } = await startConnection(admin, { workspaceId: ws, name: "refused", providerId });
    const answer = await authorizeAtProvider(authorizationUrl, "cancel");
    expect(answer.error).toBe("access_denied");
    await expect(completeConnection(admin, answer)).rejects.toMatchObject({ status: 400, code: "connection_refused", details: { workspaceId: ws, connection: "refused" } });
    expect(await getConnection(admin, { workspaceId: ws, name: "refused" })).toMatchObject({ state: "pending", error: expect.stringMatching(/access_denied/) });
  });

  it("is completed only by someone who may manage the workspace's connections", async () => {
    const ws = await newWorkspace();
    const viewer = await testUser(tenantSlug, operator);
    await addMember(operator, { workspaceId: ws, email: viewer.subject, role: "viewer" });
    await expect(startConnection(viewer, { workspaceId: ws, name: "x", providerId })).rejects.toMatchObject({ status: 403 });
    const { authorizationUrl } = await startConnection(admin, { workspaceId: ws, name: "x", providerId });
    const answer = await authorizeAtProvider(authorizationUrl);
    await expect(completeConnection(viewer, answer)).rejects.toMatchObject({ status: 403 });
    expect((await listConnections(viewer, { workspaceId: ws })).items.map((c) => c.state)).toEqual(["pending"]);
  });

  it("is deleted with its tokens, and with its provider", async () => {
    const ws = await newWorkspace();
    await connect(ws, "short-lived");
    const { access, refresh } = await tokenSecrets(ws, "short-lived");
    await deleteConnection(admin, { workspaceId: ws, name: "short-lived" });
    const db = await database();
    for (const id of [access!.id, refresh!.id]) expect((await db.select().from(secrets).where(eq(secrets.id, id)))[0]).toMatchObject({ deletedAt: expect.any(Date), ciphertext: "" });
    expect((await listConnections(admin, { workspaceId: ws })).items).toEqual([]);

    const other = (await createProvider(admin, { name: `doomed-${randomBytes(2).toString("hex")}`, ...server.provider })).id;
    await startConnection(admin, { workspaceId: ws, name: "doomed", providerId: other });
    await deleteProvider(admin, { id: other });
    expect((await listConnections(admin, { workspaceId: ws })).items).toEqual([]);
  });
});
