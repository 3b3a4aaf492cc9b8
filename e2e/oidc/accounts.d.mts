export declare const OIDC_CLIENT: { clientId: string; clientSecret: string };
export declare const OIDC_CONNECTION_CLIENT: { clientId: string; clientSecret: string };
export type OidcAccount = { password: string; email: string; name: string; roles: string[]; groups: string[] };
export declare const OIDC_ACCOUNTS: { dana: OidcAccount; oscar: OidcAccount; mallory: OidcAccount };
