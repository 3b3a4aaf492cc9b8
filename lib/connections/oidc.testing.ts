import { createServer } from "node:net";
import { OIDC_ACCOUNTS, OIDC_CONNECTION_CLIENT } from "@/e2e/oidc/accounts.mjs";
import { startOidcProvider } from "@/e2e/oidc/provider.mjs";
import { authConfig } from "@/lib/auth/config";

/** A free TCP port on loopback (the provider's issuer URL names its port, so it cannot listen on 0). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The browser tests' real OAuth2/OpenID provider, on loopback, with Sluice's connection client registered. */
export async function oauthServer(options: { accessTokenTtl?: number; clockTolerance?: number } = {}) {
  const started = await startOidcProvider({ port: await freePort(), redirectUris: [new URL("/api/auth/callback/oidc", authConfig.issuer()).toString()], ...options });
  const { issuer } = started;
  const basic = `Basic ${Buffer.from(`${OIDC_CONNECTION_CLIENT.clientId}:${OIDC_CONNECTION_CLIENT.clientSecret}`).toString("base64")}`;
  return {
    ...started,
    provider: { authorizeUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, clientId: OIDC_CONNECTION_CLIENT.clientId, clientSecret: OIDC_CONNECTION_CLIENT.clientSecret, scopes: "openid" },
    userinfo: `${issuer}/me`,
    /** Who an access token belongs to at the provider, or the HTTP status it refused it with. */
    async whoIs(accessToken: string): Promise<string | number> {
      const response = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      return response.ok ? ((await response.json()) as { sub: string }).sub : response.status;
    },
    /** Revokes a token at the provider (RFC 7009). */
    async revoke(token: string) {
      const response = await fetch(`${issuer}/token/revocation`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token }) });
      if (!response.ok) throw new Error(`revocation answered ${response.status}`);
    },
  };
}

/**
 * What a person's browser does between Sluice's authorization URL and Sluice's callback: signs in at
 * the provider's login page (or cancels there), following redirects with the provider's cookies.
 * Returns the callback's query.
 */
export async function authorizeAtProvider(authorizationUrl: string, account: keyof typeof OIDC_ACCOUNTS | "cancel" = "dana"): Promise<Record<string, string>> {
  const callback = new URL("/connections/callback", authConfig.issuer()).toString();
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  let form: Record<string, string> | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? new URLSearchParams(form) : undefined,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    form = undefined;
    const location = response.headers.get("location");
    if (location) {
      const next = new URL(location, url);
      if (next.toString().startsWith(callback)) return Object.fromEntries(next.searchParams);
      url = next.toString();
      continue;
    }
    const page = await response.text();
    const uid = /\/interaction\/([\w-]+)\/login/.exec(page)?.[1];
    if (!uid) throw new Error(`the provider answered ${response.status} without a login form: ${page.slice(0, 300)}`);
    if (account === "cancel") {
      url = new URL(`/interaction/${uid}/abort`, url).toString();
      form = {};
    } else {
      url = new URL(`/interaction/${uid}/login`, url).toString();
      form = { username: account, password: OIDC_ACCOUNTS[account].password };
    }
  }
  throw new Error("too many redirects at the provider");
}
