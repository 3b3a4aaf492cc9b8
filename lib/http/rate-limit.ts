import { createHash } from "node:crypto";
import { lt, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { rateLimitWindows } from "@/db/schema";
import { AppError } from "@/lib/errors";

let calls = 0;
const CLEANUP_EVERY = 500;

/** Keys may hold user text (e-mails): anything long or unusual is stored as a hash. */
function storedKey(key: string) {
  return /^[\w@.:%+-]{1,64}$/.test(key) ? key : `#${createHash("sha256").update(key).digest("base64url")}`;
}

/**
 * Fixed-window limits counted in the database, so they hold across workers and machines: one atomic
 * upsert per key. Throws 429 when any key is over `limit` requests per `windowMs`.
 */
export async function rateLimit(keys: string[], limit: number, windowMs = 60_000) {
  const db = await database();
  for (const key of keys) {
    const reset = new Date(Date.now() + windowMs);
    const [window] = await db
      .insert(rateLimitWindows)
      .values({ key: storedKey(key), count: 1, resetAt: reset })
      .onConflictDoUpdate({
        target: rateLimitWindows.key,
        set: {
          count: sql`case when ${rateLimitWindows.resetAt} <= now() then 1 else ${rateLimitWindows.count} + 1 end`,
          resetAt: sql`case when ${rateLimitWindows.resetAt} <= now() then excluded.reset_at else ${rateLimitWindows.resetAt} end`,
        },
      })
      .returning({ count: rateLimitWindows.count, resetAt: rateLimitWindows.resetAt });
    if (window.count > limit) {
      throw new AppError(429, "rate_limited", "Too many attempts; wait a minute and try again.", {
        retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt.getTime() - Date.now()) / 1000)),
      });
    }
  }
  if (++calls % CLEANUP_EVERY === 0) await db.delete(rateLimitWindows).where(lt(rateLimitWindows.resetAt, sql`now() - interval '1 hour'`));
}
