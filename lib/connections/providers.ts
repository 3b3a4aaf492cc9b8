import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { database, type Database } from "@/db/client";
import { connections, oauthProviders } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { authConfig } from "@/lib/auth/config";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";
import { conflict, notFound } from "@/lib/errors";
import { isUuid, parseInput } from "@/lib/validation";
import type { OAuthClient } from "./oauth";
import { eraseConnection } from "./records";
import { createProviderInput, updateProviderInput, type Provider } from "./schema";

/** OAuth2 providers of a tenant: platform admins register them; everyone may pick one to connect a workspace to. */
export type ProviderRow = typeof oauthProviders.$inferSelect;

export const clientSecretContext = (providerId: string): SealContext => ({ purpose: "oauth-client-secret", owner: providerId, version: 1 });

/** Where providers send people back to; register it with the provider. */
export const redirectUri = () => new URL("/connections/callback", authConfig.issuer()).toString();

function toProvider(row: ProviderRow): Provider {
  return {
    id: row.id,
    name: row.name,
    authorizeUrl: row.authorizeUrl,
    tokenUrl: row.tokenUrl,
    clientId: row.clientId,
    scopes: row.scopes,
    redirectUri: redirectUri(),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

const audited = (row: ProviderRow) => ({ name: row.name, authorizeUrl: row.authorizeUrl, tokenUrl: row.tokenUrl, clientId: row.clientId, scopes: row.scopes });
const tenantOf = (p: Principal) => ({ tenantId: p.tenantId });

/** The OAuth client of a provider row, its secret opened. */
export function oauthClientOf(row: ProviderRow): OAuthClient {
  return { authorizeUrl: row.authorizeUrl, tokenUrl: row.tokenUrl, clientId: row.clientId, clientSecret: open(row.sealedClientSecret, clientSecretContext(row.id)), scopes: row.scopes };
}

export async function findProvider(db: Pick<Database, "select">, tenantId: string, id: string): Promise<ProviderRow> {
  if (!isUuid(id)) throw notFound("OAuth provider");
  const [row] = await db.select().from(oauthProviders).where(and(eq(oauthProviders.id, id), eq(oauthProviders.tenantId, tenantId), isNull(oauthProviders.deletedAt)));
  if (!row) throw notFound("OAuth provider");
  return row;
}

export async function listProviders(p: Principal): Promise<{ items: Provider[] }> {
  authorize(p, "oauth_provider.list", tenantOf(p));
  const db = await database();
  const rows = await db.select().from(oauthProviders).where(and(eq(oauthProviders.tenantId, p.tenantId), isNull(oauthProviders.deletedAt))).orderBy(asc(oauthProviders.name));
  return { items: rows.map(toProvider) };
}

export async function getProvider(p: Principal, input: { id: string }): Promise<Provider> {
  authorize(p, "oauth_provider.list", tenantOf(p));
  return toProvider(await findProvider(await database(), p.tenantId, input.id));
}

export async function createProvider(p: Principal, input: z.input<typeof createProviderInput>): Promise<Provider> {
  const data = parseInput(createProviderInput, input);
  authorize(p, "oauth_provider.manage", tenantOf(p));
  const id = randomUUID();
  const db = await database();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(oauthProviders)
      .values({ id, tenantId: p.tenantId, name: data.name, authorizeUrl: data.authorizeUrl, tokenUrl: data.tokenUrl, clientId: data.clientId, scopes: data.scopes, sealedClientSecret: seal(data.clientSecret, clientSecretContext(id)), createdBy: describePrincipal(p) })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict("provider_exists", `An OAuth provider named ${data.name} already exists.`);
    await recordAudit(tx, p, { action: "oauth_provider.create", targetType: "oauth_provider", targetId: row.id, after: audited(row) });
    return toProvider(row);
  });
}

/** Changes the fields given; a new client secret replaces the old one (it is never shown). */
export async function updateProvider(p: Principal, input: z.input<typeof updateProviderInput> & { id: string }): Promise<Provider> {
  const { id, ...rest } = input;
  const data = parseInput(updateProviderInput, rest);
  authorize(p, "oauth_provider.manage", tenantOf(p));
  const db = await database();
  return db.transaction(async (tx) => {
    const before = await findProvider(tx, p.tenantId, id);
    const { clientSecret, ...fields } = data;
    if (Object.keys(fields).length === 0 && clientSecret === undefined) return toProvider(before);
    const [row] = await tx
      .update(oauthProviders)
      .set({ ...fields, ...(clientSecret === undefined ? {} : { sealedClientSecret: seal(clientSecret, clientSecretContext(before.id)) }) })
      .where(eq(oauthProviders.id, before.id))
      .returning()
      .catch((error: { cause?: { code?: string } }) => {
        if (error.cause?.code === "23505") throw conflict("provider_exists", `An OAuth provider named ${data.name} already exists.`);
        throw error;
      });
    await recordAudit(tx, p, { action: "oauth_provider.update", targetType: "oauth_provider", targetId: row.id, before: audited(before), after: { ...audited(row), ...(clientSecret === undefined ? {} : { clientSecret: "replaced" }) } });
    return toProvider(row);
  });
}

/** Deletes the provider and, with it, every connection to it (their tokens are deleted too). */
export async function deleteProvider(p: Principal, input: { id: string }): Promise<void> {
  authorize(p, "oauth_provider.manage", tenantOf(p));
  const db = await database();
  await db.transaction(async (tx) => {
    const row = await findProvider(tx, p.tenantId, input.id);
    const by = describePrincipal(p);
    for (const connection of await tx.select().from(connections).where(eq(connections.providerId, row.id)).for("update")) await eraseConnection(tx, connection, by);
    await tx.update(oauthProviders).set({ deletedAt: new Date(), sealedClientSecret: "" }).where(eq(oauthProviders.id, row.id));
    await recordAudit(tx, p, { action: "oauth_provider.delete", targetType: "oauth_provider", targetId: row.id, before: audited(row) });
  });
}
