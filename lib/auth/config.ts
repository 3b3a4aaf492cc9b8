/** Identity settings from the environment, read in one place. */
export const authConfig = {
  issuer: () => process.env.SLUICE_ISSUER || process.env.NEXTAUTH_URL || `http://localhost:${process.env.PORT || 3000}`,
  audience: () => process.env.SLUICE_AUDIENCE || "sluice-api",
  tokenTtlSeconds: () => Number(process.env.SLUICE_TOKEN_TTL_SECONDS || 900),
  rolesClaim: () => process.env.AUTH_ROLES_CLAIM || "roles",
  groupsClaim: () => process.env.AUTH_GROUPS_CLAIM || "groups",
  tenantClaim: () => process.env.AUTH_TENANT_CLAIM || "",
  defaultTenant: () => process.env.AUTH_DEFAULT_TENANT || "demo",
  oidc: () =>
    process.env.AUTH_OIDC_ISSUER && process.env.AUTH_OIDC_CLIENT_ID
      ? { issuer: process.env.AUTH_OIDC_ISSUER, clientId: process.env.AUTH_OIDC_CLIENT_ID, clientSecret: process.env.AUTH_OIDC_CLIENT_SECRET ?? "" }
      : null,
  /** Tokens of an external issuer; never without an audience (start refuses that: lib/config/check.ts). */
  externalJwt: () =>
    process.env.AUTH_JWT_ISSUER && process.env.AUTH_JWT_JWKS_URL && process.env.AUTH_JWT_AUDIENCE
      ? { issuer: process.env.AUTH_JWT_ISSUER, audience: process.env.AUTH_JWT_AUDIENCE, jwksUrl: process.env.AUTH_JWT_JWKS_URL }
      : null,
};

/** Asymmetric algorithms only; `none` and HMAC (a shared secret) are never accepted. */
export const ALLOWED_ALGORITHMS = ["ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "EdDSA"];

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The e-mail claims of an identity token; `email_verified` counts only when the provider says true. */
export function emailClaims(claims: Record<string, unknown>) {
  const email = typeof claims.email === "string" ? claims.email.slice(0, 320) : "";
  return { email, emailVerified: claims.email_verified === true || claims.email_verified === "true" };
}

/** Roles, groups and tenant from an identity token's claims, by the configured claim names. */
export function claimsIdentity(claims: Record<string, unknown>) {
  const tenantClaim = authConfig.tenantClaim();
  const tenant = tenantClaim && typeof claims[tenantClaim] === "string" ? (claims[tenantClaim] as string) : authConfig.defaultTenant();
  return { roles: stringList(claims[authConfig.rolesClaim()]), groups: stringList(claims[authConfig.groupsClaim()]), tenant };
}
