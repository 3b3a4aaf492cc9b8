import { storageConnectSources } from "@/lib/storage/config";

/**
 * Security headers for every page and API response, on both server paths (Next's proxy.ts and the
 * production server's direct API path). Pages get a nonce-based script policy; API answers are
 * never documents, so their policy forbids everything.
 */
const PAGE_POLICY = (nonce: string, dev: boolean) =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React Flow and Radix position elements with inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Browsers upload to and download from storage accounts directly, with a SAS (lib/storage).
    `connect-src 'self' ${storageConnectSources().join(" ")}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Whether the request reached Sluice over HTTPS (directly, or as the public URL says). */
export function servedOverHttps(requestUrl: string, forwardedProto?: string | null): boolean {
  return requestUrl.startsWith("https:") || forwardedProto === "https" || (process.env.NEXTAUTH_URL ?? "").startsWith("https:");
}

export function securityHeaders(options: { nonce?: string; https: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy": options.nonce ? PAGE_POLICY(options.nonce, process.env.NODE_ENV === "development") : API_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
  };
  if (options.https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
