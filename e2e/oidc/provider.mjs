// A real OpenID Connect provider (the `oidc-provider` package) on loopback, for end-to-end sign-in tests.
// It registers one confidential client for Sluice, knows the accounts in ./accounts.mjs and serves its
// own minimal, labelled login page (with a password check) instead of the package's devInteractions.
import http from "node:http";
import Provider from "oidc-provider";
import { OIDC_ACCOUNTS, OIDC_CLIENT, OIDC_CONNECTION_CLIENT } from "./accounts.mjs";

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f4f5;display:flex;justify-content:center;padding-top:10vh}
main{background:#fff;border:1px solid #ddd;border-radius:8px;padding:24px;width:320px}label{display:block;margin-top:12px;font-size:14px}
input{width:100%;box-sizing:border-box;padding:6px;margin-top:4px}button{margin-top:16px;width:100%;padding:8px}
[role=alert]{color:#b91c1c;font-size:14px}</style></head><body><main>${body}</main></body></html>`;
}

function loginForm(uid, { error, username = "" } = {}) {
  return page(
    "Test identity provider",
    `<h1>Test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label for="username">Username</label><input id="username" name="username" value="${escape(username)}" required autofocus>
  <label for="password">Password</label><input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

/**
 * Starts the provider on http://<host>:<port>. `redirectUris` are Sluice's callback URLs
 * (http://localhost:<port>/api/auth/callback/oidc); the connections client returns to
 * /connections/callback of the same origins, gets refresh tokens, and may revoke them
 * (/token/revocation). `accessTokenTtl` and `clockTolerance` (how long past expiry a token still
 * counts) are in seconds. Returns { issuer, close }.
 */
export async function startOidcProvider({ host = "127.0.0.1", port, redirectUris, accessTokenTtl = 600, clockTolerance = 15 }) {
  const origins = [...new Set(redirectUris.map((u) => new URL(u).origin))];
  const issuer = `http://${host}:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT.clientId,
        client_secret: OIDC_CLIENT.clientSecret,
        redirect_uris: redirectUris,
        post_logout_redirect_uris: redirectUris.map((u) => new URL(u).origin + "/sign-in"),
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
      {
        client_id: OIDC_CONNECTION_CLIENT.clientId,
        client_secret: OIDC_CONNECTION_CLIENT.clientSecret,
        redirect_uris: origins.map((origin) => `${origin}/connections/callback`),
        response_types: ["code"],
        grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    // the connections client always gets a refresh token (without offline_access and its consent prompt)
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    async findAccount(_ctx, id) {
      const account = OIDC_ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: account.email, email_verified: true, name: account.name, roles: account.roles, groups: account.groups };
        },
      };
    },
    // roles and groups travel with the profile scope, and in the ID token (Sluice reads the ID token's claims).
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "roles", "groups"] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Sluice is first-party here: consent is implied, so the only interaction is the login page.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    cookies: { keys: ["e2e-cookie-key-not-a-secret"] },
    clockTolerance,
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: accessTokenTtl, AuthorizationCode: 60, IdToken: 600 },
  });
  provider.on("server_error", (_ctx, error) => console.error("[oidc] server error:", error));

  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (!match) return callback(req, res);
    try {
      const [, uid, step] = match;
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error("interaction mismatch");
      if (req.method === "GET" && !step) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        return res.end(loginForm(uid, { username: details.params.login_hint ?? "" }));
      }
      if (req.method === "POST" && step === "abort") {
        return provider.interactionFinished(req, res, { error: "access_denied", error_description: "End-User aborted interaction" }, { mergeWithLastSubmission: false });
      }
      if (req.method === "POST" && step === "login") {
        const form = await readForm(req);
        const account = OIDC_ACCOUNTS[form.username ?? ""];
        if (!account || account.password !== form.password) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
          return res.end(loginForm(uid, { error: "Unknown username or wrong password.", username: form.username }));
        }
        return provider.interactionFinished(req, res, { login: { accountId: form.username } }, { mergeWithLastSubmission: false });
      }
      res.writeHead(405).end();
    } catch (error) {
      console.error("[oidc] interaction failed:", error);
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Sign-in failed", `<h1>Sign-in failed</h1><p role="alert">${escape(error?.message ?? error)}</p>`));
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    issuer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// `node e2e/oidc/provider.mjs [port] [sluice-url]`: run it alone, e.g. to try SSO with `npm start`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] || 3211);
  const sluice = process.argv[3] || "http://localhost:3000";
  const { issuer } = await startOidcProvider({ port, redirectUris: [`${sluice}/api/auth/callback/oidc`] });
  console.log(`OIDC provider at ${issuer} (client ${OIDC_CLIENT.clientId} / ${OIDC_CLIENT.clientSecret}); accounts: ${Object.keys(OIDC_ACCOUNTS).join(", ")}`);
}
