export declare function startOidcProvider(options: { host?: string; port: number; redirectUris: string[] }): Promise<{ issuer: string; close: () => Promise<void> }>;
