import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { connect } from "./client";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

export async function applyMigrations() {
  const db = await connect();
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** True when every committed migration has been applied. */
export async function migrationsApplied(): Promise<boolean> {
  const db = await connect();
  const { readMigrationFiles } = await import("drizzle-orm/migrator");
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
  try {
    const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return (result.rows[0] as { n: number }).n >= expected;
  } catch {
    return false;
  }
}
