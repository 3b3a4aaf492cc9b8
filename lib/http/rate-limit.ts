import { LRUCache } from "lru-cache";
import { AppError } from "@/lib/errors";

type Window = { count: number; resetAt: number };
// On globalThis so that every bundle of this module in the process counts together.
const shared = globalThis as unknown as { __sluiceRateWindows?: LRUCache<string, Window> };
const windows = (shared.__sluiceRateWindows ??= new LRUCache<string, Window>({ max: 50_000 }));

/**
 * Fixed-window limit per key, in this process. Throws 429 when any key is over its limit.
 * `limit` requests per `windowMs`.
 */
export function rateLimit(keys: string[], limit: number, windowMs = 60_000) {
  const now = Date.now();
  for (const key of keys) {
    const current = windows.get(key);
    const window = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
    window.count += 1;
    windows.set(key, window);
    if (window.count > limit) {
      throw new AppError(429, "rate_limited", "Too many attempts; wait a minute and try again.", { retryAfterSeconds: Math.ceil((window.resetAt - now) / 1000) });
    }
  }
}

export function clientAddress(headers: Headers) {
  return headers.get("x-forwarded-for")?.split(",")[0].trim() || headers.get("x-real-ip") || "local";
}
