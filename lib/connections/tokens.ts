import { and, eq, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import type { Environment } from "@/lib/data-dir";
import { connections, oauthProviders, secrets, tenants } from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { readVersion, type SecretRow } from "@/lib/secrets/values";
import { OAuthError, refreshTokens } from "./oauth";
import { oauthClientOf } from "./providers";
import { refreshSecretName, writeToken } from "./records";

/**
 * A connection's current access token, for a run or a task about to use it. A token that expires
 * within the margin (SLUICE_CONNECTION_REFRESH_MARGIN_SECONDS, default 300) is refreshed first, one
 * refresh at a time per connection (the row is locked: providers that rotate refresh tokens accept
 * each one once). A refresh the provider refuses marks the connection `needs_reconnect` with the
 * provider's error, and this throws: never a stale token, never a silent failure.
 */
export type ConnectionToken = { accessToken: string; version: number; expiresAt: Date | null };

const REFRESHER = "Sluice (token refresh)";

export function refreshMarginMs(env: Environment = process.env): number {
  const seconds = Number(env.SLUICE_CONNECTION_REFRESH_MARGIN_SECONDS ?? 300);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 300_000;
}

export class ConnectionNeedsReconnect extends AppError {
  constructor(name: string, reason: string) {
    super(409, "connection_needs_reconnect", `The connection ${name} needs reconnecting: ${reason}`, { connection: name });
  }
}

type Outcome = { token: ConnectionToken } | { failure: string };

export async function connectionToken(workspaceId: string, name: string): Promise<ConnectionToken> {
  const db = await database();
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const [found] = await tx
      .select({ connection: connections, provider: oauthProviders, tenantSlug: tenants.slug })
      .from(connections)
      .innerJoin(oauthProviders, eq(oauthProviders.id, connections.providerId))
      .innerJoin(tenants, eq(tenants.id, connections.tenantId))
      .where(and(eq(connections.workspaceId, workspaceId), eq(connections.name, name)))
      .for("update", { of: connections });
    if (!found) throw notFound("connection");
    const { connection, provider } = found;
    if (connection.state === "needs_reconnect") return { failure: connection.error ?? "a refresh failed" };
    const secretRow = async (id: string | null): Promise<SecretRow | undefined> =>
      id ? (await tx.select().from(secrets).where(and(eq(secrets.id, id), isNull(secrets.deletedAt))))[0] : undefined;
    const access = await secretRow(connection.accessSecretId);
    if (connection.state !== "connected" || !access) return { failure: "it was never connected" };
    const due = connection.expiresAt !== null && connection.expiresAt.getTime() - refreshMarginMs() <= Date.now();
    if (!due) {
      const current = await readVersion(tx, access);
      return { token: { accessToken: current.value, version: current.version, expiresAt: connection.expiresAt } };
    }
    const refresh = await secretRow(connection.refreshSecretId);
    const fail = async (reason: string): Promise<Outcome> => {
      await tx.update(connections).set({ state: "needs_reconnect", error: reason }).where(eq(connections.id, connection.id));
      return { failure: reason };
    };
    if (!refresh) return fail("the access token expires and the provider gave no refresh token");
    let tokens;
    try {
      tokens = await refreshTokens(oauthClientOf(provider), (await readVersion(tx, refresh)).value);
    } catch (error) {
      if (error instanceof OAuthError) return fail(`the provider refused the refresh: ${error.message}`.slice(0, 1000));
      throw error;
    }
    const place = { tenantId: connection.tenantId, tenantSlug: found.tenantSlug, workspaceId, appId: null };
    await writeToken(tx, place, access.id, access.name, tokens.accessToken, REFRESHER);
    if (tokens.refreshToken) await writeToken(tx, place, refresh.id, refreshSecretName(name), tokens.refreshToken, REFRESHER);
    await tx.update(connections).set({ expiresAt: tokens.expiresAt, refreshedAt: new Date(), error: null }).where(eq(connections.id, connection.id));
    return { token: { accessToken: tokens.accessToken, version: access.version + 1, expiresAt: tokens.expiresAt } };
  });
  if ("failure" in outcome) throw new ConnectionNeedsReconnect(name, outcome.failure);
  return outcome.token;
}
