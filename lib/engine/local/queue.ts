import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import pg from "pg";
import { database, databaseUrl, isEmbedded, type Database } from "@/db/client";
import { fromJsonRow } from "@/db/rows";
import { executePrepared } from "@/db/prepared";
import { jobs } from "@/db/schema";

/**
 * The one durable queue (table `jobs`): steps, queued runs, retries, timers, schedules and
 * background tasks. Workers claim due jobs with `FOR UPDATE SKIP LOCKED`, taking tenants in turn,
 * under a lease they renew; a job whose lease ran out (its worker died) is claimed again.
 *
 * Wake-ups: on PostgreSQL, LISTEN/NOTIFY (the NOTIFY is sent in the enqueuing transaction, so it
 * arrives at commit); in the process that enqueued and the server's engine process, by signals.ts;
 * otherwise a short poll.
 */
export const WAKE_CHANNEL = "sluice_jobs";
export const LEASE_MS = Number(process.env.SLUICE_LEASE_MS) || 15_000;

export type Job = typeof jobs.$inferSelect;
export type NewJob = { kind: string; tenantKey?: string; payload?: Record<string, unknown>; runAt?: Date; uniqueKey?: string };
type Executor = Pick<Database, "insert" | "execute">;
const PREPARED_BATCH = 4;

/** A job's row; `claimedBy` holds it for that worker under a fresh lease. */
export function jobRow(job: NewJob, claimedBy?: string) {
  return {
    kind: job.kind,
    tenantKey: job.tenantKey ?? "",
    payload: job.payload ?? {},
    runAt: job.runAt ?? sql`now()`,
    uniqueKey: job.uniqueKey,
    lockedBy: claimedBy ?? null,
    lockedUntil: claimedBy ? sql`now() + make_interval(secs => ${LEASE_MS / 1000})` : null,
    attempts: claimedBy ? 1 : 0,
  };
}

/**
 * Adds jobs inside the caller's transaction; `claimedBy` hands them straight to that worker. One
 * statement: the rows, and the wake-up of the other workers when any job is left for them.
 */
export async function enqueue(tx: Executor, list: NewJob[], claimedBy?: string): Promise<Job[]> {
  if (list.length === 0) return [];
  const insert = tx
    .insert(jobs)
    .values(list.map((job) => jobRow(job, claimedBy)))
    .onConflictDoNothing()
    .returning();
  // a job that was there already (its unique key) may still be waiting for a worker too
  const wakeWhen = claimedBy ? sql`(select count(*) from inserted) < ${list.length}` : sql`true`;
  const statement = sql`
    with inserted as (${insert.getSQL()}), wake as (select pg_notify(${WAKE_CHANNEL}, '') where ${wakeWhen})
    select (select json_agg(inserted) from inserted) as inserted, (select count(*) from wake) as woken`;
  type Row = { inserted: Record<string, unknown>[] | null; woken: number };
  // a statement's text grows with its rows: only the common small batches are kept prepared
  const { rows } = list.length <= PREPARED_BATCH ? await executePrepared<Row>(tx, statement) : await tx.execute<Row>(statement);
  return (rows[0].inserted ?? []).map((row) => fromJsonRow(jobs, row));
}

/**
 * Claims up to `limit` due jobs for `worker`: the oldest of each tenant first, tenants in turn, and
 * within a turn the tenant with the fewest jobs running first (so one tenant's thousand queued
 * steps do not hold back another's one run). `then` (given the claimed rows as `claimed`) adds
 * to the statement what the claim sets off, and what it returns comes back with the jobs.
 */
export async function claim<T = never>(worker: string, limit: number, then?: { ctes: SQL; result: SQL }): Promise<{ jobs: Job[]; then?: T }> {
  if (limit <= 0) return { jobs: [] };
  const db = await database();
  const { rows } = await executePrepared<{ jobs: Record<string, unknown>[] | null; then?: T }>(db, sql`
    with claimed as (
      with due_tenants as (
        select distinct tenant_key from jobs
        where run_at <= now() and (locked_until is null or locked_until < now())
      ), candidates as (
        select j.id, row_number() over (partition by j.tenant_key order by j.run_at, j.id) as turn
        from due_tenants t
        cross join lateral (
          select id, tenant_key, run_at from jobs
          where tenant_key = t.tenant_key and run_at <= now() and (locked_until is null or locked_until < now())
          order by run_at, id
          limit ${limit}
          for update skip locked
        ) j
      ), running as (
        select tenant_key, count(*) as jobs from jobs where locked_until >= now() group by tenant_key
      )
      update jobs set locked_by = ${worker}, locked_until = now() + make_interval(secs => ${LEASE_MS / 1000}), attempts = attempts + 1
      where id in (
        select c.id from candidates c join jobs j on j.id = c.id left join running r on r.tenant_key = j.tenant_key
        order by c.turn, coalesce(r.jobs, 0), random() limit ${limit}
      )
      returning *
    )${then ? sql`, ${then.ctes}` : sql``}
    select (select json_agg(to_json(claimed)) from claimed) as jobs${then ? sql`, ${then.result} as then` : sql``}`);
  return { jobs: (rows[0].jobs ?? []).map((row) => fromJsonRow(jobs, row)), then: rows[0].then };
}

/** Renews the leases of the jobs this worker holds; answers the ids it still holds. */
export async function renewLeases(worker: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const db = await database();
  const rows = await db
    .update(jobs)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${LEASE_MS / 1000})` })
    .where(and(eq(jobs.lockedBy, worker), inArray(jobs.id, ids)))
    .returning({ id: jobs.id });
  return new Set(rows.map((r) => r.id));
}

/** When the next not-yet-due job is due (for a worker's timer), or undefined. */
export async function nextDueAt(): Promise<Date | undefined> {
  const db = await database();
  const [row] = await db.select({ at: sql<string>`min(run_at)` }).from(jobs).where(sql`run_at > now() and (locked_until is null or locked_until < now())`);
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * Wake-ups from other processes and machines: LISTEN on PostgreSQL; on the embedded database
 * (whose one session cannot deliver notifications between connections) nothing: callers poll.
 */
export async function listenForWakes(onNotify: () => void): Promise<() => Promise<void>> {
  if (await isEmbedded()) return async () => undefined;
  const client = new pg.Client({ connectionString: await databaseUrl() });
  client.on("error", () => undefined);
  await client.connect();
  client.on("notification", onNotify);
  await client.query(`LISTEN ${WAKE_CHANNEL}`);
  return async () => {
    await client.end().catch(() => undefined);
  };
}
