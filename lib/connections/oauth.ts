import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/**
 * The OAuth 2.0 client side of a connection (RFC 6749 authorization code grant with PKCE, RFC 7636,
 * and the refresh token grant) against any provider an admin registered by its two URLs. The client
 * authenticates with HTTP Basic (client_secret_basic); answers are bounded in time and size.
 */
export type OAuthClient = { authorizeUrl: string; tokenUrl: string; clientId: string; clientSecret: string; scopes: string };
export type TokenSet = { accessToken: string; refreshToken: string | null; expiresAt: Date | null };

const TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

export class OAuthError extends Error {}

const randomToken = () => randomBytes(32).toString("base64url");

export function pkcePair() {
  const verifier = randomToken();
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export const newState = randomToken;

export function authorizationUrl(client: OAuthClient, request: { redirectUri: string; state: string; challenge: string }): string {
  const url = new URL(client.authorizeUrl);
  const params = {
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: request.redirectUri,
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: "S256",
    ...(client.scopes ? { scope: client.scopes } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

const tokenResponse = z.object({
  access_token: z.string().min(1).max(16_384),
  token_type: z.string().max(100),
  expires_in: z.coerce.number().int().positive().max(10 * 365 * 86_400).optional(),
  refresh_token: z.string().min(1).max(16_384).optional(),
});
const errorResponse = z.object({ error: z.string().max(200), error_description: z.string().max(1000).optional() });

/** RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined for Basic. */
const basic = (client: OAuthClient) => `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString("base64")}`;

async function tokenRequest(client: OAuthClient, form: Record<string, string>): Promise<TokenSet> {
  let response: Response;
  try {
    response = await fetch(client.tokenUrl, {
      method: "POST",
      headers: { authorization: basic(client), "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form),
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new OAuthError(`The token endpoint could not be reached: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new OAuthError(`The token endpoint answered more than ${MAX_RESPONSE_BYTES} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OAuthError(`The token endpoint answered ${response.status} without JSON.`);
  }
  if (!response.ok) {
    const failure = errorResponse.safeParse(body);
    throw new OAuthError(failure.success ? `${failure.data.error}${failure.data.error_description ? `: ${failure.data.error_description}` : ""}` : `The token endpoint answered ${response.status}.`);
  }
  const tokens = tokenResponse.safeParse(body);
  if (!tokens.success) throw new OAuthError("The token endpoint's answer holds no access token.");
  if (tokens.data.token_type.toLowerCase() !== "bearer") throw new OAuthError(`The token endpoint issued a ${tokens.data.token_type} token; only bearer tokens are supported.`);
  return {
    accessToken: tokens.data.access_token,
    refreshToken: tokens.data.refresh_token ?? null,
    expiresAt: tokens.data.expires_in ? new Date(Date.now() + tokens.data.expires_in * 1000) : null,
  };
}

export function exchangeCode(client: OAuthClient, request: { code: string; redirectUri: string; verifier: string }): Promise<TokenSet> {
  return tokenRequest(client, { grant_type: "authorization_code", code: request.code, redirect_uri: request.redirectUri, code_verifier: request.verifier });
}

export function refreshTokens(client: OAuthClient, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(client, { grant_type: "refresh_token", refresh_token: refreshToken });
}
