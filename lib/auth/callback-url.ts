export const DEFAULT_AFTER_SIGN_IN = "/workspaces";

/**
 * A `callbackUrl` as a path of this site, or the default. Browsers read `//host` and `/\host` as
 * other hosts, so a path must start with one `/` followed by neither `/` nor `\`, and hold no
 * backslashes or control characters at all.
 */
export function safeCallbackPath(value: string | undefined | null): string {
  if (!value || value.length > 2000) return DEFAULT_AFTER_SIGN_IN;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return DEFAULT_AFTER_SIGN_IN;
  }
  if (!value.startsWith("/") || value.startsWith("//")) return DEFAULT_AFTER_SIGN_IN;
  const parsed = new URL(value, "http://sluice.invalid");
  if (parsed.origin !== "http://sluice.invalid") return DEFAULT_AFTER_SIGN_IN;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
