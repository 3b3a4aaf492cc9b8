import { and, eq, isNull } from "drizzle-orm";
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { database } from "@/db/client";
import { clients, tenants } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { AppError } from "@/lib/errors";
import { findTenant } from "@/lib/tenants/service";
import { signInExternalUser } from "@/lib/users/external";
import { parseInput } from "@/lib/validation";
import { SCOPES } from "@/lib/access/actions";
import { ALLOWED_ALGORITHMS, authConfig, claimsIdentity, emailClaims } from "./config";
import { jwks, signingKey } from "./keys";
import { ALL_SCOPES_MARKER, type Principal } from "./principal";
import { secretMatches } from "./secrets";
import { tokenRequest } from "./token-schema";

const unauthorized = (message: string) => new AppError(401, "unauthorized", message);
const invalidClient = () => new AppError(401, "invalid_client", "Unknown client or wrong secret.");

/** OAuth2 client credentials: exchanges a client's id and secret for a short-lived signed JWT. */
export async function issueClientToken(input: z.input<typeof tokenRequest>) {
  const request = parseInput(tokenRequest, input);
  const db = await database();
  const [row] = await db
    .select({ client: clients, tenantSlug: tenants.slug })
    .from(clients)
    .innerJoin(tenants, eq(tenants.id, clients.tenantId))
    .where(and(eq(clients.clientId, request.client_id), isNull(clients.revokedAt)));
  if (!row || !secretMatches(request.client_secret, row.client.secretHash)) throw invalidClient();
  const requested = request.scope ? request.scope.split(/\s+/).filter(Boolean) : row.client.scopes;
  const refused = requested.filter((s) => !row.client.scopes.includes(s));
  if (refused.length > 0) throw new AppError(400, "invalid_scope", `The client may not request: ${refused.join(", ")}.`);
  const key = await signingKey();
  const ttl = authConfig.tokenTtlSeconds();
  const token = await new SignJWT({ scope: requested.join(" "), tenant: row.tenantSlug, client_id: row.client.clientId })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt" })
    .setIssuer(authConfig.issuer())
    .setAudience(authConfig.audience())
    .setSubject(row.client.id)
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(`${ttl}s`)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
  await db.transaction(async (tx) => {
    await tx.update(clients).set({ lastUsedAt: new Date() }).where(eq(clients.id, row.client.id));
    const actor: Principal = { kind: "client", id: row.client.id, subject: row.client.clientId, name: row.client.name, tenantId: row.client.tenantId, tenantSlug: row.tenantSlug, roles: row.client.roles, groups: [], scopes: requested };
    await recordAudit(tx, actor, { action: "token.issue", targetType: "client", targetId: row.client.id, after: { clientId: row.client.clientId, scopes: requested, expiresIn: ttl } });
  });
  return { access_token: token, token_type: "Bearer" as const, expires_in: ttl, scope: requested.join(" ") };
}

/**
 * Verified tokens are remembered for a few seconds, so a hot API path verifies (and looks up its
 * client) once: a revoked client's tokens stop working within VERIFIED_TTL_MS on every worker.
 * Kept on globalThis so that every bundle of this module in the process shares it.
 */
const VERIFIED_TTL_MS = 5_000;
const shared = globalThis as unknown as { __sluiceVerifiedTokens?: LRUCache<string, Principal> };
const verified = (shared.__sluiceVerifiedTokens ??= new LRUCache<string, Principal>({ max: 10_000, ttl: VERIFIED_TTL_MS }));
const remoteJwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
let localJwks: { set: ReturnType<typeof createLocalJWKSet>; at: number } | undefined;

async function localKeySet() {
  if (!localJwks || Date.now() - localJwks.at > 60_000) localJwks = { set: createLocalJWKSet(await jwks()), at: Date.now() };
  return localJwks.set;
}

async function clientPrincipal(payload: JWTPayload): Promise<Principal> {
  if (!z.uuid().safeParse(payload.sub).success) throw unauthorized("The token's subject is not a client of this Sluice.");
  const db = await database();
  const [row] = await db
    .select({ client: clients, tenantSlug: tenants.slug })
    .from(clients)
    .innerJoin(tenants, eq(tenants.id, clients.tenantId))
    .where(and(eq(clients.id, String(payload.sub)), isNull(clients.revokedAt)));
  if (!row) throw unauthorized("The client of this token was revoked.");
  const scopes = String(payload.scope ?? "").split(" ").filter((s) => s && row.client.scopes.includes(s));
  return {
    kind: "client",
    id: row.client.id,
    subject: row.client.clientId,
    name: row.client.name,
    tenantId: row.client.tenantId,
    tenantSlug: row.tenantSlug,
    roles: row.client.roles,
    groups: [],
    scopes,
  };
}

/**
 * The scopes of an external token: the Sluice scopes it carries limit it; a token with none acts with
 * what a signed-in browser user may do (its roles and the user's memberships decide). `*` is refused.
 */
function externalScopes(payload: JWTPayload): string[] {
  const claimed = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : Array.isArray(payload.scp) ? payload.scp.map(String) : [];
  if (claimed.includes(ALL_SCOPES_MARKER)) throw unauthorized("The scope '*' is not accepted from an external issuer.");
  const sluiceScopes = claimed.filter((scope) => (SCOPES as readonly string[]).includes(scope));
  return sluiceScopes.length > 0 ? sluiceScopes : [ALL_SCOPES_MARKER];
}

async function externalPrincipal(payload: JWTPayload): Promise<Principal> {
  const identity = claimsIdentity(payload as Record<string, unknown>);
  const scopes = externalScopes(payload);
  const tenant = await findTenant(identity.tenant);
  if (!tenant) throw unauthorized("The token's tenant is not known here.");
  const user = await signInExternalUser({
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    issuer: String(payload.iss),
    subject: String(payload.sub),
    ...emailClaims(payload as Record<string, unknown>),
    name: typeof payload.name === "string" ? payload.name : "",
    roles: identity.roles,
    groups: identity.groups,
  });
  return { kind: "user", id: user.id, subject: user.email || user.externalId!, name: user.name || user.email || String(payload.sub), tenantId: tenant.id, tenantSlug: tenant.slug, roles: identity.roles, groups: identity.groups, scopes };
}

/** Verifies a bearer token from Sluice or the configured external issuer: signature, iss, aud, exp, nbf, alg. */
export async function verifyBearer(token: string): Promise<Principal> {
  const cached = verified.get(token);
  if (cached) return cached;
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw unauthorized("The bearer token is not a JWT.");
  }
  const external = authConfig.externalJwt();
  const own = issuer === authConfig.issuer();
  if (!own && !(external && issuer === external.issuer)) throw unauthorized("The token's issuer is not trusted.");
  let payload: JWTPayload;
  try {
    if (own) {
      ({ payload } = await jwtVerify(token, await localKeySet(), { issuer, audience: authConfig.audience(), algorithms: ALLOWED_ALGORITHMS, requiredClaims: ["exp", "sub"] }));
    } else {
      const keys = remoteJwks.get(external!.jwksUrl) ?? createRemoteJWKSet(new URL(external!.jwksUrl));
      remoteJwks.set(external!.jwksUrl, keys);
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience: external!.audience,
        algorithms: ALLOWED_ALGORITHMS,
        requiredClaims: ["exp", "sub"],
      }));
    }
  } catch (error) {
    throw unauthorized(`The bearer token is not valid (${(error as { code?: string }).code ?? "verification failed"}).`);
  }
  const principal = own ? await clientPrincipal(payload) : await externalPrincipal(payload);
  const remaining = (payload.exp! * 1000 - Date.now()) | 0;
  if (remaining > 0) verified.set(token, principal, { ttl: Math.min(remaining, VERIFIED_TTL_MS) });
  return principal;
}

/** Forget cached verifications, e.g. after a client is revoked in this process. */
export function forgetVerifiedTokens() {
  verified.clear();
}
