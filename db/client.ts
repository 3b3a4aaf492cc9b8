import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { embeddedDatabaseUrl, stopEmbedded } from "./embedded";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;
type State = { pool: pg.Pool; db: Database; url: string; embedded: boolean };

// One pool per process, also across Next.js bundles (instrumentation and routes are separate bundles).
const holder = globalThis as unknown as { __sluiceDb?: State; __sluiceDbInit?: Promise<State> };

/**
 * A connection to embedded PGlite, whose connections all share one session: a prepared statement's
 * name is made this connection's own, so that two connections (of this process or another) preparing
 * the same statement never collide.
 */
export class EmbeddedClient extends pg.Client {
  private readonly tag = randomBytes(6).toString("base64url");

  // pg's query has many overloads; only a config object names a prepared statement
  query(...args: unknown[]): never {
    const config = args[0] as { name?: unknown } | null | undefined;
    if (typeof config === "object" && typeof config?.name === "string" && config.name) args[0] = { ...config, name: `${config.name}_${this.tag}` };
    return (super.query as (...rest: unknown[]) => never)(...args);
  }
}

async function open(): Promise<State> {
  const url = process.env.DATABASE_URL || (await embeddedDatabaseUrl());
  // DATABASE_URL may also name an embedded server that another process serves (tests, the CLI).
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const { rows } = await probe.query<{ version: string }>("select version()");
  await probe.end();
  const embedded = rows[0].version.includes("PGlite");
  const pool = new pg.Pool(
    embedded
      ? // its connections live as long as the process: each prepares its statements once
        { connectionString: url, max: 8, idleTimeoutMillis: 0, Client: EmbeddedClient }
      : { connectionString: url, max: Number(process.env.DATABASE_POOL_MAX ?? 10) },
  );
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

/** Whether this process's database delivers NOTIFY to listeners on other connections: PostgreSQL, once connected. */
export function notifiesListeners(): boolean {
  return holder.__sluiceDb?.embedded === false;
}

export async function disconnect() {
  const state = holder.__sluiceDb;
  holder.__sluiceDb = undefined;
  holder.__sluiceDbInit = undefined;
  if (state) await state.pool.end();
  await stopEmbedded();
}

export { schema };
