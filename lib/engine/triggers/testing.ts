import { and, eq, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { jobs } from "@/db/schema";
import { wakeWorkers } from "../local/signals";
import { useClock, type Clock } from "./clock";
import { SCHEDULE_SLOT_JOB } from "./schedules";

/**
 * A clock for tests that moves only when told. Slot jobs are queued to be due as far (in real time)
 * from now as their slot is from this clock's now; `set` moves the clock and re-times the queued slot
 * jobs of the tenant's schedules the same way, so exactly the slots it passed become due.
 */
export function manualClock(start: Date, tenantId: string) {
  let now = start;
  const clock: Clock = { now: () => now, dueAt: (instant) => new Date(Date.now() + instant.getTime() - now.getTime()) };
  useClock(clock);
  return {
    now: () => now,
    async set(to: Date) {
      now = to;
      const db = await database();
      await db
        .update(jobs)
        .set({ runAt: sql`now() + ((${jobs.payload}->>'slot')::timestamptz - ${to.toISOString()}::timestamptz)` })
        .where(and(eq(jobs.kind, SCHEDULE_SLOT_JOB), eq(jobs.tenantKey, tenantId)));
      wakeWorkers();
    },
    /** The system clock again; the tenant's slot jobs are dropped, so no later test's worker fires them. */
    async restore() {
      useClock();
      const db = await database();
      await db.delete(jobs).where(and(eq(jobs.kind, SCHEDULE_SLOT_JOB), eq(jobs.tenantKey, tenantId)));
    },
  };
}
