export declare const DEV_ACCOUNT: string;
export declare const DEV_KEY: string;
export declare const EXTRA_ACCOUNTS: string[];
export type Azurite = { origin: string; key: string; endpoint: (account: string) => string; accounts: string[]; stop: () => Promise<void> };
export declare function startAzurite(options?: { port?: number }): Promise<Azurite>;
