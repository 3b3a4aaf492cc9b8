import { problemsOf } from "@/lib/config/problems";

/**
 * Storage settings from the environment (the seed's `sas.token.expiration.*` and `sas.token.cache.buffer`,
 * in minutes), read at each use so tests and operators change them without a restart.
 */
export type SasExpiryClass = "read" | "write" | "delete";

const AZURE_ENDPOINT = "https://{account}.blob.core.windows.net";
const EXPIRY_DEFAULT_MINUTES: Record<SasExpiryClass, number> = { read: 60, write: 60, delete: 15 };
const EXPIRY_VARIABLE: Record<SasExpiryClass, string> = { read: "SLUICE_SAS_EXPIRY_READ_MINUTES", write: "SLUICE_SAS_EXPIRY_WRITE_MINUTES", delete: "SLUICE_SAS_EXPIRY_DELETE_MINUTES" };

const WEEK_MINUTES = 7 * 24 * 60;

function whole(variable: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${variable} must be a whole number of ${unit} from ${min} to ${max}, not "${raw}".`);
  return value;
}

export const sasExpiryMinutes = (kind: SasExpiryClass) => whole(EXPIRY_VARIABLE[kind], EXPIRY_DEFAULT_MINUTES[kind], 1, WEEK_MINUTES, "minutes");

/** A cached token is handed out again while more than this is left of its life (0: until it expires). */
export const sasCacheBufferMinutes = () => whole("SLUICE_SAS_CACHE_BUFFER_MINUTES", 5, 0, WEEK_MINUTES, "minutes");

/** `off`: every request signs a new token (the cache's cost and benefit, for `npm run bench:sas`). */
export const sasCacheEnabled = () => process.env.SLUICE_SAS_CACHE !== "off";

/** How long one call to the storage service may take before it counts as unreachable. */
export const storageTimeoutMs = () => whole("SLUICE_STORAGE_TIMEOUT_SECONDS", 10, 1, 600, "seconds") * 1000;

/**
 * The blob endpoints organizations may use, as templates with `{account}`: Azure's public cloud by
 * default; others (sovereign clouds, Azurite's path-style `http://127.0.0.1:10000/{account}`) are
 * listed in SLUICE_STORAGE_BLOB_ENDPOINTS, comma-separated. Sluice calls nothing else with an
 * account key (no requests to internal addresses an admin types in), and browsers upload only there.
 */
export function blobEndpointTemplates(): string[] {
  const raw = process.env.SLUICE_STORAGE_BLOB_ENDPOINTS?.trim();
  const templates = raw ? raw.split(",").map((t) => t.trim().replace(/\/+$/, "")).filter(Boolean) : [AZURE_ENDPOINT];
  for (const template of templates) {
    const sample = template.replace("{account}", "account");
    const url = URL.canParse(sample) ? new URL(sample) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || !template.includes("{account}") || url.search || url.hash) {
      throw new Error(`SLUICE_STORAGE_BLOB_ENDPOINTS: "${template}" is not an http(s) URL template with {account} (e.g. ${AZURE_ENDPOINT}).`);
    }
  }
  return templates;
}

/** The endpoint of an account under a template. */
export const endpointFor = (template: string, account: string) => template.replace("{account}", account);

/**
 * The origins browsers reach storage at, for the pages' Content-Security-Policy (connect-src): an
 * `{account}` in the host becomes a wildcard label (`https://*.blob.core.windows.net`).
 */
export function storageConnectSources(): string[] {
  return blobEndpointTemplates().map((template) => {
    const url = new URL(template.replace("{account}", "xaccountx"));
    return `${url.protocol}//${url.host.replace("xaccountx", "*")}`;
  });
}

/**
 * The origin browsers open Sluice at (NEXTAUTH_URL): organizations' storage accounts get a CORS rule
 * for it so the browser may upload and download directly.
 */
export function publicOrigin(): string | undefined {
  const url = process.env.NEXTAUTH_URL;
  return url && URL.canParse(url) ? new URL(url).origin : undefined;
}

/** The storage settings that do not parse, each explained; start-up refuses them (lib/config/check.ts). */
export const storageConfigurationProblems = () =>
  problemsOf([blobEndpointTemplates, sasCacheBufferMinutes, storageTimeoutMs, ...(["read", "write", "delete"] as const).map((kind) => () => sasExpiryMinutes(kind))]);
