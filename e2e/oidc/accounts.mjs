// Test accounts of the local OpenID Connect provider. Shared by the provider and the specs.
export const OIDC_CLIENT = { clientId: "sluice-e2e", clientSecret: "sluice-e2e-client-secret-0123456789" };
/** A second client, for Sluice's connections (lib/connections): plain OAuth 2.0 with refresh tokens. */
export const OIDC_CONNECTION_CLIENT = { clientId: "sluice-e2e-connections", clientSecret: "sluice-e2e-connections-secret-0123456789" };

/** username → account; `roles` and `groups` become claims of the ID token. */
export const OIDC_ACCOUNTS = {
  dana: { password: "dana-Passw0rd", email: "dana@sso.example", name: "Dana Data", roles: ["data-team"], groups: ["analytics"] },
  oscar: { password: "oscar-Passw0rd", email: "oscar@sso.example", name: "Oscar Ops", roles: ["ops"], groups: ["platform"] },
  // An account at the provider whose (verified) e-mail equals the seeded local admin's: it must not become the admin.
  mallory: { password: "mallory-Passw0rd", email: "admin@demo.local", name: "Mallory Lookalike", roles: [], groups: [] },
};
