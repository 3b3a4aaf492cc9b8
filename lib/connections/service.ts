import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { z } from "zod";
import { database } from "@/db/client";
import { connections, oauthProviders } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";
import { AppError, conflict, notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { assertActive, enterWorkspace } from "@/lib/workspaces/guard";
import { authorizationUrl, exchangeCode, newState, OAuthError, pkcePair } from "./oauth";
import { findProvider, oauthClientOf, redirectUri } from "./providers";
import { accessSecretName, eraseConnection, eraseTokenSecrets, refreshSecretName, writeToken, type ConnectionRow } from "./records";
import { startConnectionBody, type Connection } from "./schema";

/**
 * A workspace's connections to OAuth2 providers. Connecting is the authorization code flow with PKCE:
 * Sluice keeps the request's `state` and its sealed verifier on the connection, sends the person to
 * the provider, and on their return (the callback) trades the code for tokens, kept as the workspace's
 * secrets connection.<name> (what steps use) and connection.<name>.refresh (only Sluice reads it).
 */
export const verifierContext = (connectionId: string): SealContext => ({ purpose: "oauth-pkce-verifier", owner: connectionId, version: 1 });

/** How long a person may take at the provider. */
const AUTHORIZATION_MINUTES = 10;

function toConnection(row: ConnectionRow, providerName: string): Connection {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: row.id,
    name: row.name,
    provider: { id: row.providerId, name: providerName },
    state: row.state,
    error: row.error,
    secret: accessSecretName(row.name),
    expiresAt: iso(row.expiresAt),
    connectedAt: iso(row.connectedAt),
    refreshedAt: iso(row.refreshedAt),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

const connectionAudit = (row: ConnectionRow, providerName: string) => ({ name: row.name, provider: providerName, state: row.state });

async function connectionsOf(workspaceId: string, name?: string) {
  const db = await database();
  const rows = await db
    .select({ connection: connections, provider: oauthProviders.name })
    .from(connections)
    .innerJoin(oauthProviders, eq(oauthProviders.id, connections.providerId))
    .where(and(eq(connections.workspaceId, workspaceId), name === undefined ? undefined : eq(connections.name, name)))
    .orderBy(asc(connections.name));
  return rows.map((row) => toConnection(row.connection, row.provider));
}

export async function listConnections(p: Principal, input: { workspaceId: string }): Promise<{ items: Connection[] }> {
  const ws = await enterWorkspace(p, input.workspaceId, "connection.list");
  return { items: await connectionsOf(ws.id) };
}

export async function getConnection(p: Principal, input: { workspaceId: string; name: string }): Promise<Connection> {
  const ws = await enterWorkspace(p, input.workspaceId, "connection.list");
  const [found] = await connectionsOf(ws.id, String(input.name).slice(0, 100));
  if (!found) throw notFound("connection");
  return found;
}

/**
 * Starts connecting (or reconnecting) the workspace: the URL to send the person to. A connection keeps
 * its tokens, and its state, until the provider's answer replaces them.
 */
export async function startConnection(p: Principal, input: { workspaceId: string } & z.input<typeof startConnectionBody>): Promise<{ authorizationUrl: string }> {
  const { workspaceId, ...rest } = input;
  const { name, providerId } = parseInput(startConnectionBody, rest);
  const ws = await enterWorkspace(p, workspaceId, "connection.manage");
  assertActive(ws);
  const db = await database();
  const provider = await findProvider(db, p.tenantId, providerId);
  const { verifier, challenge } = pkcePair();
  const state = `${newState()}.${Math.floor(Date.now() / 1000)}`;
  await db.transaction(async (tx) => {
    const [existing] = await tx.select().from(connections).where(and(eq(connections.workspaceId, ws.id), eq(connections.name, name))).for("update");
    if (existing && existing.providerId !== provider.id) throw conflict("connection_exists", `The connection ${name} is to another provider; delete it first.`);
    const id = existing?.id ?? randomUUID();
    const request = { authState: state, sealedVerifier: seal(verifier, verifierContext(id)) };
    if (existing) await tx.update(connections).set(request).where(eq(connections.id, id));
    else await tx.insert(connections).values({ id, tenantId: p.tenantId, workspaceId: ws.id, providerId: provider.id, name, createdBy: describePrincipal(p), ...request });
  });
  return { authorizationUrl: authorizationUrl(oauthClientOf(provider), { redirectUri: redirectUri(), state, challenge }) };
}

const badCallback = (message: string) => new AppError(400, "connection_callback_invalid", message);

/**
 * The provider's answer (the callback's query): tokens for the connection whose request carried this
 * `state`, if the caller may manage it. Each state is good once, for AUTHORIZATION_MINUTES.
 */
export async function completeConnection(p: Principal, answer: { state?: string; code?: string; error?: string; error_description?: string }): Promise<{ workspaceId: string; name: string }> {
  const state = typeof answer.state === "string" && answer.state.length <= 200 ? answer.state : "";
  const db = await database();
  const [found] = state ? await db.select().from(connections).where(and(eq(connections.authState, state), eq(connections.tenantId, p.tenantId))) : [];
  if (!found) throw badCallback("This authorization answer is unknown or was used already; connect again.");
  const ws = await enterWorkspace(p, found.workspaceId, "connection.manage");
  assertActive(ws);
  const issuedAt = Number(state.split(".")[1]) * 1000;
  if (!(Date.now() - issuedAt < AUTHORIZATION_MINUTES * 60_000)) throw await abandon(found, "The authorization took longer than 10 minutes; connect again.");
  if (answer.error) throw await abandon(found, `The provider refused: ${answer.error}${answer.error_description ? `: ${answer.error_description}` : ""}`.slice(0, 1000));
  if (typeof answer.code !== "string" || !answer.code || answer.code.length > 4096) throw badCallback("The provider's answer holds no authorization code.");
  const provider = await findProvider(db, p.tenantId, found.providerId);
  let tokens;
  try {
    tokens = await exchangeCode(oauthClientOf(provider), { code: answer.code, redirectUri: redirectUri(), verifier: open(found.sealedVerifier ?? "", verifierContext(found.id)) });
  } catch (error) {
    if (error instanceof OAuthError) throw await abandon(found, `The provider did not issue tokens: ${error.message}`);
    throw error;
  }
  const by = describePrincipal(p);
  const place = { tenantId: p.tenantId, tenantSlug: p.tenantSlug, workspaceId: ws.id, appId: null };
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(connections).where(and(eq(connections.id, found.id), eq(connections.authState, state))).for("update");
    if (!row) throw badCallback("This authorization answer was used already.");
    const accessSecretId = await writeToken(tx, place, row.accessSecretId, accessSecretName(row.name), tokens.accessToken, by);
    const refreshSecretId = tokens.refreshToken ? await writeToken(tx, place, row.refreshSecretId, refreshSecretName(row.name), tokens.refreshToken, by) : null;
    if (!tokens.refreshToken) await eraseTokenSecrets(tx, [row.refreshSecretId], by);
    const [connected] = await tx
      .update(connections)
      .set({ state: "connected", error: null, authState: null, sealedVerifier: null, accessSecretId, refreshSecretId, expiresAt: tokens.expiresAt, connectedAt: new Date(), refreshedAt: null })
      .where(eq(connections.id, row.id))
      .returning();
    await recordAudit(tx, p, { action: "connection.connect", targetType: "connection", targetId: row.id, workspaceId: ws.id, before: connectionAudit(row, provider.name), after: connectionAudit(connected, provider.name) });
    return { workspaceId: ws.id, name: row.name };
  });
}

/** Ends an authorization request that failed; the connection keeps its tokens and says why. */
async function abandon(row: ConnectionRow, message: string): Promise<AppError> {
  const db = await database();
  await db.update(connections).set({ authState: null, sealedVerifier: null, error: message }).where(eq(connections.id, row.id));
  return new AppError(400, "connection_refused", message, { workspaceId: row.workspaceId, connection: row.name });
}

export async function deleteConnection(p: Principal, input: { workspaceId: string; name: string }): Promise<void> {
  const ws = await enterWorkspace(p, input.workspaceId, "connection.manage");
  const db = await database();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ connection: connections, provider: oauthProviders.name })
      .from(connections)
      .innerJoin(oauthProviders, eq(oauthProviders.id, connections.providerId))
      .where(and(eq(connections.workspaceId, ws.id), eq(connections.name, input.name)))
      .for("update", { of: connections });
    if (!row) throw notFound("connection");
    await eraseConnection(tx, row.connection, describePrincipal(p));
    await recordAudit(tx, p, { action: "connection.delete", targetType: "connection", targetId: row.connection.id, workspaceId: ws.id, before: connectionAudit(row.connection, row.provider) });
  });
}
