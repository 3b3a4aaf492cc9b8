import { sql } from "drizzle-orm";
import { database } from "@/db/client";
import { migrationsApplied } from "@/db/migrate";

/** Ready when the database answers and every migration is applied. */
export async function readiness() {
  const checks = { database: false, migrations: false };
  try {
    const db = await database();
    await db.execute(sql`select 1`);
    checks.database = true;
    checks.migrations = await migrationsApplied();
  } catch {
    // reported as not ready below
  }
  return { ready: checks.database && checks.migrations, checks };
}
