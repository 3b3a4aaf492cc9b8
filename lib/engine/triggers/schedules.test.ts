import { and, asc, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { auditEvents, jobs, runs, schedules } from "@/db/schema";
import { engineFixture, engineWorker, saveWorkflow, sh } from "@/lib/engine/testing/engine";
import { testUser } from "@/lib/testing/fixtures";
import { saveWorkflow as saveVersion } from "@/lib/workflows/service";
import { addMember } from "@/lib/workspaces/service";
import { enqueue } from "../local/queue";
import { cancelRun } from "../runs/service";
import { createSchedule, deleteSchedule, getSchedule, listSchedules, pauseSchedule, resumeSchedule, SCHEDULE_SLOT_JOB, updateSchedule } from "./schedules";
import { manualClock } from "./testing";

let fx: Awaited<ReturnType<typeof engineFixture>>;
let clock: ReturnType<typeof manualClock>;
const w = engineWorker();
const second = engineWorker();

beforeAll(async () => {
  fx = await engineFixture("sched");
  clock = manualClock(new Date("2026-03-27T12:00:00Z"), fx.tenant.id);
  await saveWorkflow(fx.admin, fx.workspaceId, "tick", { inputs: [{ name: "who", type: "string", required: true }], steps: [sh("hi", "echo hi {{inputs.who}}")] });
  await saveWorkflow(fx.admin, fx.workspaceId, "nap", { steps: [sh("nap", "sleep 30")] });
  await w.start();
});
afterAll(async () => {
  await Promise.all([w.stop(), second.stop()]);
  await clock.restore();
});

const at = (text: string) => new Date(text);
const tick = (name: string) => ({ workspaceId: fx.workspaceId, workflow: "tick", name, inputs: { who: name } });

async function row(id: string) {
  const db = await database();
  const [found] = await db.select().from(schedules).where(eq(schedules.id, id));
  return found;
}

async function runsOf(scheduleId: string) {
  const db = await database();
  return db.select().from(runs).where(and(eq(runs.trigger, "schedule"), eq(runs.triggerRef, scheduleId))).orderBy(asc(runs.createdAt));
}

async function slotJobs(scheduleId: string) {
  const db = await database();
  return db.select().from(jobs).where(and(eq(jobs.kind, SCHEDULE_SLOT_JOB), like(jobs.uniqueKey, `schedule:${scheduleId}:%`)));
}

/** Moves the clock to `to` and waits until each schedule fired `slot`. */
async function fireAt(to: string, scheduleIds: string[], slot = to) {
  await clock.set(at(to));
  await vi.waitFor(async () => expect((await Promise.all(scheduleIds.map(row))).map((r) => r.lastSlotAt?.toISOString())).toEqual(scheduleIds.map(() => at(slot).toISOString())), { timeout: 20_000, interval: 50 });
}

async function removeAll(ids: string[], workflow = "tick") {
  for (const scheduleId of ids) await deleteSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow, scheduleId });
}

describe("schedules", () => {
  it("shows the next five fire times in the schedule's zone, across the spring change", async () => {
    const created = await createSchedule(fx.admin, { ...tick("berlin"), cron: "30 2 * * *", timezone: "europe/berlin" });
    expect(created).toMatchObject({ timezone: "Europe/Berlin", overlapPolicy: "allow", paused: false, version: null, lastSlotAt: null });
    // 02:30 CET is 01:30Z; on 29 March 02:30 does not exist and fires at 03:30 CEST (01:30Z); then 02:30 CEST is 00:30Z
    expect(created.nextFireTimes).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z", "2026-03-31T00:30:00.000Z", "2026-04-01T00:30:00.000Z"]);
    expect(await slotJobs(created.id)).toHaveLength(1);
    await removeAll([created.id]);
  });

  it("fires each slot once as the clock passes it, across the spring change, with what triggered the run", async () => {
    await clock.set(at("2026-03-27T12:00:00Z"));
    const created = await createSchedule(fx.admin, { ...tick("spring"), cron: "30 2 * * *", timezone: "Europe/Berlin" });
    await fireAt("2026-03-28T01:30:00Z", [created.id]);
    await fireAt("2026-03-29T01:30:00Z", [created.id]);
    await fireAt("2026-03-30T00:30:00Z", [created.id]);
    const started = await runsOf(created.id);
    expect(started).toHaveLength(3);
    expect(started[0]).toMatchObject({ trigger: "schedule", triggerRef: created.id, startedByKind: "system", startedById: created.id, startedByName: "schedule spring", inputs: { who: "spring" } });
    const now = await getSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "tick", scheduleId: created.id });
    expect(now).toMatchObject({ lastSlotAt: "2026-03-30T00:30:00.000Z", lastRunId: started[2].id });
    expect(now.nextFireTimes[0]).toBe("2026-03-31T00:30:00.000Z");
    expect(await slotJobs(created.id)).toHaveLength(1);
    await removeAll([created.id]);
  });

  it("after downtime fires only the most recent missed slot, once, and goes on from now", async () => {
    await clock.set(at("2026-07-01T10:30:00Z"));
    const created = await createSchedule(fx.admin, { ...tick("missed"), cron: "0 * * * *" });
    expect(created.nextFireTimes[0]).toBe("2026-07-01T11:00:00.000Z");
    // nothing ran from 11:00 to 15:10: the 11:00 job is handled only now
    await fireAt("2026-07-01T15:10:00Z", [created.id], "2026-07-01T15:00:00Z");
    expect(await runsOf(created.id)).toHaveLength(1);
    expect((await getSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "tick", scheduleId: created.id })).nextFireTimes[0]).toBe("2026-07-01T16:00:00.000Z");
    await removeAll([created.id]);
  });

  it("pauses (no slot fires, none is queued) and resumes from the next slot after now", async () => {
    await clock.set(at("2026-06-01T10:30:00Z"));
    const created = await createSchedule(fx.admin, { ...tick("pausing"), cron: "0 * * * *" });
    const ref = { workspaceId: fx.workspaceId, workflow: "tick", scheduleId: created.id };
    const paused = await pauseSchedule(fx.admin, ref);
    expect(paused).toMatchObject({ paused: true, nextFireTimes: [] });
    expect(await slotJobs(created.id)).toHaveLength(0);
    await clock.set(at("2026-06-01T13:30:00Z"));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await runsOf(created.id)).toHaveLength(0);
    const resumed = await resumeSchedule(fx.admin, ref);
    expect(resumed.nextFireTimes.slice(0, 2)).toEqual(["2026-06-01T14:00:00.000Z", "2026-06-01T15:00:00.000Z"]);
    await fireAt("2026-06-01T14:00:00Z", [created.id]);
    expect(await runsOf(created.id)).toHaveLength(1);
    const db = await database();
    const audited = await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, created.id)).orderBy(asc(auditEvents.id));
    expect(audited.map((a) => a.action)).toEqual(["schedule.create", "schedule.pause", "schedule.resume"]);
    await removeAll([created.id]);
  });

  it("follows its overlap policy when the previous run still runs: allow, forbid, replace", async () => {
    await clock.set(at("2026-05-01T10:05:00Z"));
    const nap = (name: string, overlapPolicy: "allow" | "forbid" | "replace") => createSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "nap", name, cron: "*/10 * * * *", overlapPolicy });
    const [allow, forbid, replace] = [await nap("allow", "allow"), await nap("forbid", "forbid"), await nap("replace", "replace")];
    const ids = [allow.id, forbid.id, replace.id];
    await fireAt("2026-05-01T10:10:00Z", ids);
    const first = await Promise.all(ids.map(async (id) => (await runsOf(id))[0]));
    await fireAt("2026-05-01T10:20:00Z", ids);
    const [allowed, forbidden, replaced] = await Promise.all(ids.map(runsOf));
    expect(allowed.map((r) => r.state).filter((s) => s === "queued" || s === "running")).toHaveLength(2);
    expect(forbidden.map((r) => r.id)).toEqual([first[1].id]);
    expect((await row(forbid.id)).lastRunId).toBe(first[1].id);
    expect(replaced).toHaveLength(2);
    expect(replaced[0]).toMatchObject({ id: first[2].id, state: "cancelled", error: "Cancelled by schedule replace." });
    expect(["queued", "running"]).toContain(replaced[1].state);
    await removeAll(ids, "nap");
    for (const run of [...allowed, ...forbidden, replaced[1]]) await cancelRun(fx.admin, { workspaceId: fx.workspaceId, runId: run.id }).catch(() => undefined);
  });

  it("fires each slot exactly once with two workers, even when a slot's job is queued three times", async () => {
    await second.start();
    await clock.set(at("2026-08-01T10:01:00Z"));
    const created = await Promise.all(["a", "b", "c", "d"].map((n) => createSchedule(fx.admin, { ...tick(`twice-${n}`), cron: "*/5 * * * *" })));
    const ids = created.map((s) => s.id);
    for (const slot of ["2026-08-01T10:05:00Z", "2026-08-01T10:10:00Z"]) {
      // what a lapsed lease or a re-queued job would leave: more jobs for the same slot
      const db = await database();
      await db.transaction((tx) =>
        enqueue(
          tx,
          created.flatMap((s) => [1, 2].map(() => ({ kind: SCHEDULE_SLOT_JOB, tenantKey: fx.tenant.id, payload: { scheduleId: s.id, slot: at(slot).toISOString() }, runAt: at("2100-01-01T00:00:00Z") }))),
        ),
      );
      await fireAt(slot, ids);
      const leftOf = () => db.select().from(jobs).where(and(eq(jobs.kind, SCHEDULE_SLOT_JOB), eq(jobs.tenantKey, fx.tenant.id), sql`${jobs.payload}->>'slot' = ${at(slot).toISOString()}`));
      await vi.waitFor(async () => expect(await leftOf()).toEqual([]), { timeout: 10_000, interval: 50 });
    }
    const counts = await Promise.all(ids.map(async (id) => (await runsOf(id)).length));
    expect(counts).toEqual([2, 2, 2, 2]);
    await removeAll(ids);
  });

  it("uses up a slot whose run cannot start (the inputs no longer fit) and goes on with the next", async () => {
    await clock.set(at("2026-09-01T10:30:00Z"));
    await saveWorkflow(fx.admin, fx.workspaceId, "strict", { inputs: [{ name: "a", type: "string", required: false }], steps: [sh("a", "echo a")] });
    const created = await createSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "strict", name: "drifting", cron: "0 * * * *", inputs: { a: "x" } });
    await saveVersion(fx.admin, { workspaceId: fx.workspaceId, name: "strict", baseVersion: 1, spec: { description: "", labels: {}, inputs: [{ name: "b", type: "string", required: true }], outputs: [], steps: [sh("a", "echo a")] }, message: "renamed input" });
    await fireAt("2026-09-01T11:00:00Z", [created.id]);
    expect(await runsOf(created.id)).toHaveLength(0);
    expect((await getSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "strict", scheduleId: created.id })).nextFireTimes[0]).toBe("2026-09-01T12:00:00.000Z");
    expect(await slotJobs(created.id)).toHaveLength(1);
    await removeAll([created.id], "strict");
  });
});

describe("schedule settings and access", () => {
  it("refuses what is not valid, field by field", async () => {
    const bad = (input: Record<string, unknown>) => createSchedule(fx.admin, { ...tick("bad"), cron: "0 * * * *", ...input }).then(() => undefined, (e) => e);
    expect((await bad({ cron: "* * * * * *" })).details.errors).toEqual([{ path: "cron", message: expect.stringMatching(/five fields/) }]);
    expect((await bad({ cron: "0 0 30 2 *" })).details.errors).toEqual([{ path: "cron", message: "matches no date" }]);
    expect((await bad({ timezone: "Mars/Olympus" })).details.errors).toEqual([{ path: "timezone", message: expect.any(String) }]);
    expect((await bad({ startAt: "2026-02-01T00:00:00Z", endAt: "2026-01-01T00:00:00Z" })).details.errors).toEqual([{ path: "endAt", message: "must be after startAt" }]);
    expect((await bad({ inputs: {} })).details.errors).toEqual([{ path: "inputs.who", message: "required" }]);
    expect((await bad({ inputs: { who: "x", extra: 1 } })).details.errors).toEqual([{ path: "inputs.extra", message: "the workflow has no such input" }]);
    expect((await bad({ version: 99 })).details.errors).toEqual([{ path: "version", message: "no such version" }]);
    expect((await bad({ overlapPolicy: "queue" })).status).toBe(400);
    expect((await bad({ name: "Not A Label" })).status).toBe(400);
  });

  it("keeps names unique per workflow, changes settings and moves the next slot, and lets viewers read but not change", async () => {
    await clock.set(at("2026-10-01T10:30:00Z"));
    const created = await createSchedule(fx.admin, { ...tick("settings"), cron: "0 * * * *" });
    expect((await createSchedule(fx.admin, { ...tick("settings"), cron: "0 * * * *" }).catch((e) => e)).code).toBe("name_taken");
    const ref = { workspaceId: fx.workspaceId, workflow: "tick", scheduleId: created.id };
    const changed = await updateSchedule(fx.admin, { ...ref, cron: "15 12 * * *", timezone: "Asia/Tokyo", inputs: { who: "tokyo" } });
    expect(changed).toMatchObject({ cron: "15 12 * * *", timezone: "Asia/Tokyo", inputs: { who: "tokyo" } });
    expect(changed.nextFireTimes[0]).toBe("2026-10-02T03:15:00.000Z");
    expect((await slotJobs(created.id)).map((j) => j.uniqueKey)).toEqual([`schedule:${created.id}:2026-10-02T03:15:00.000Z`]);
    const renamed = await updateSchedule(fx.admin, { ...ref, name: "renamed" });
    expect(renamed.nextFireTimes).toEqual(changed.nextFireTimes);

    const viewer = await testUser(fx.tenant.slug, fx.operator);
    await addMember(fx.admin, { workspaceId: fx.workspaceId, email: viewer.subject, role: "viewer" });
    expect((await listSchedules(viewer, { workspaceId: fx.workspaceId, workflow: "tick" })).items.map((s) => s.name)).toContain("renamed");
    expect((await createSchedule(viewer, { ...tick("mine"), cron: "0 * * * *" }).catch((e) => e)).status).toBe(403);
    expect((await pauseSchedule(viewer, ref).catch((e) => e)).status).toBe(403);
    expect((await getSchedule(fx.admin, { ...ref, scheduleId: "00000000-0000-4000-8000-000000000000" }).catch((e) => e)).status).toBe(404);
    await removeAll([created.id]);
    expect(await slotJobs(created.id)).toHaveLength(0);
  });
});
