import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { serveEmbedded } from "@/db/embedded";

/**
 * Integration tests run against TEST_DATABASE_URL when set (CI: a fresh PostgreSQL database),
 * else against an in-memory embedded PostgreSQL served for this run. Local state (the master key
 * file) never goes to the checkout's `.data/`: it lives in a temporary data directory, one kept per
 * test database on PostgreSQL, so a reused test database still opens the keys it holds.
 */
export default async function setup() {
  let stop: (() => Promise<void>) | undefined;
  if (process.env.TEST_DATABASE_URL) {
    process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
    const id = createHash("sha256").update(process.env.TEST_DATABASE_URL).digest("hex").slice(0, 16);
    process.env.SLUICE_DATA_DIR = path.join(os.tmpdir(), `sluice-test-data-${id}`);
    mkdirSync(process.env.SLUICE_DATA_DIR, { recursive: true, mode: 0o700 });
  } else {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "sluice-test-data-"));
    process.env.SLUICE_DATA_DIR = dataDir;
    const served = await serveEmbedded();
    process.env.DATABASE_URL = served.url;
    stop = async () => {
      await served.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
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
