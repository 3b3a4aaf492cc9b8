import pg from "pg";
import { serveEmbedded } from "@/db/embedded";

/**
 * Integration tests run against TEST_DATABASE_URL when set (CI: a fresh PostgreSQL database),
 * else against an in-memory embedded PostgreSQL served for this run.
 */
export default async function setup() {
  let stop: (() => Promise<void>) | undefined;
  if (process.env.TEST_DATABASE_URL) {
    process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  } else {
    const served = await serveEmbedded();
    process.env.DATABASE_URL = served.url;
    stop = served.close;
  }
  const { applyMigrations } = await import("@/db/migrate");
  await applyMigrations();
  const { disconnect } = await import("@/db/client");
  await disconnect();
  await new pg.Client({ connectionString: process.env.DATABASE_URL }).connect().then((c) => c.end());
  return async () => {
    await stop?.();
  };
}
