import { and, eq, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { settings } from "@/db/schema";

/**
 * One controller per installation: processes that could run it (the server's engine process, every
 * `sluice worker`) take turns through a lease row in `settings`; the holder renews it, and another
 * process takes over once it lapses (a killed holder) or is released (a stopped one).
 */

const KEY = "argo.controller";

/** Takes or renews the lease for `holder`; true when it holds it for the next `ms`. */
export async function holdLease(holder: string, ms: number): Promise<boolean> {
  const db = await database();
  const value = sql`jsonb_build_object('holder', ${holder}::text, 'until', (now() + make_interval(secs => ${ms / 1000}))::text)`;
  const { rows } = await db.execute(sql`
    insert into ${settings} (key, value) values (${KEY}, ${value})
    on conflict (key) do update set value = ${value}
    where ${settings.value}->>'holder' = ${holder} or (${settings.value}->>'until')::timestamptz < now()
    returning key`);
  return rows.length > 0;
}

export async function releaseLease(holder: string): Promise<void> {
  const db = await database();
  await db.delete(settings).where(and(eq(settings.key, KEY), sql`${settings.value}->>'holder' = ${holder}`));
}
