import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { embeddedDatabaseUrl, stopEmbedded } from "./embedded";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;
type State = { pool: pg.Pool; db: Database; url: string; embedded: boolean };

// One pool per process, also across Next.js bundles (instrumentation and routes are separate bundles).
const holder = globalThis as unknown as { __sluiceDb?: State; __sluiceDbInit?: Promise<State> };

async function open(): Promise<State> {
  const url = process.env.DATABASE_URL || (await embeddedDatabaseUrl());
  // DATABASE_URL may also name an embedded server that another process serves (tests, the CLI).
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const { rows } = await probe.query<{ version: string }>("select version()");
  await probe.end();
  const embedded = rows[0].version.includes("PGlite");
  const pool = new pg.Pool({ connectionString: url, max: embedded ? 8 : Number(process.env.DATABASE_POOL_MAX ?? 10) });
  pool.on("error", () => undefined);
  return { pool, url, embedded, db: drizzle(pool, { schema }) };
}

/** Opens the database (embedded when DATABASE_URL is unset). Safe to call repeatedly. */
export async function connect(): Promise<Database> {
  if (holder.__sluiceDb) return holder.__sluiceDb.db;
  holder.__sluiceDbInit ??= open().then((state) => (holder.__sluiceDb = state));
  return (await holder.__sluiceDbInit).db;
}

/** The database for request-time code: connects on first use. */
export async function database(): Promise<Database> {
  return holder.__sluiceDb?.db ?? connect();
}

export async function databaseUrl(): Promise<string> {
  await connect();
  return holder.__sluiceDb!.url;
}

/** Whether the database is the embedded PGlite (one session shared by every connection). */
export async function isEmbedded(): Promise<boolean> {
  await connect();
  return holder.__sluiceDb!.embedded;
}

/**
 * A name for a server-side prepared statement, or "" (unnamed) on embedded PGlite: its socket
 * connections share one session, where a name prepared by one connection collides with another's.
 */
export async function statementName(name: string): Promise<string> {
  await connect();
  return holder.__sluiceDb!.embedded ? "" : name;
}

export async function disconnect() {
  const state = holder.__sluiceDb;
  holder.__sluiceDb = undefined;
  holder.__sluiceDbInit = undefined;
  if (state) await state.pool.end();
  await stopEmbedded();
}

export { schema };
