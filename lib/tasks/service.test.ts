import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { taskEnded } from "@/lib/apps/testing";
import type { Principal } from "@/lib/auth/principal";
import { engineWorker } from "@/lib/engine/testing/engine";
import { AppError } from "@/lib/errors";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { defineTask, PermanentTaskError } from "./registry";
import { enqueueTask } from "./enqueue";
import { getTask, listTasks, retryTask } from "./service";

/** What the test tasks did, in the order they did it. */
const done: string[] = [];
const failuresLeft = new Map<string, number>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

defineTask("test.record", async (task, { progress }) => {
  await progress(50, "half way");
  await sleep(Number(task.payload.delayMs ?? 0));
  done.push(String(task.payload.label));
  return { label: task.payload.label };
});
defineTask("test.flaky", async (task) => {
  const left = failuresLeft.get(task.id) ?? 0;
  if (left > 0) {
    failuresLeft.set(task.id, left - 1);
    throw new Error(`provider hiccup (${left} left)`);
  }
  return { ok: true };
});
defineTask("test.refused", async (task) => {
  if (failuresLeft.get(task.id) !== 0) throw new PermanentTaskError("AccessDenied: not for you");
  return { ok: true };
});

const worker = engineWorker();
let admin: Principal;

beforeAll(async () => {
  const { tenant, operator } = await testTenant("tasks");
  admin = await testUser(tenant.slug, operator, { admin: true });
  await worker.start();
});
afterAll(() => worker.stop());

async function enqueue(kind: string, targetId: string, payload: Record<string, unknown> = {}, maxAttempts?: number) {
  const db = await database();
  return db.transaction((tx) => enqueueTask(tx, { tenantId: admin.tenantId, kind, targetType: "test", targetId, payload, createdBy: "test", maxAttempts }));
}

describe("background tasks", () => {
  it("of one object run in order, while another object's run beside them", async () => {
    done.length = 0;
    const slow = randomUUID();
    const other = randomUUID();
    const a = await enqueue("test.record", slow, { label: "a", delayMs: 300 });
    const b = await enqueue("test.record", slow, { label: "b", delayMs: 100 });
    const c = await enqueue("test.record", slow, { label: "c", delayMs: 0 });
    const x = await enqueue("test.record", other, { label: "x", delayMs: 0 });
    expect([a.seq, b.seq, c.seq, x.seq]).toEqual([1, 2, 3, 1]);
    for (const task of [a, b, c, x]) expect(await taskEnded(admin, task.id)).toMatchObject({ state: "succeeded", progress: 100, attempts: 1, result: { label: task.payload.label } });
    expect(done.filter((label) => label !== "x")).toEqual(["a", "b", "c"]);
    expect(done.indexOf("x")).toBeLessThan(done.indexOf("c"));
    const [first, second] = [await getTask(admin, { id: a.id }), await getTask(admin, { id: b.id })];
    expect(Date.parse(first.finishedAt!)).toBeLessThanOrEqual(Date.parse(second.startedAt!));
  });

  it("are retried with backoff after failures that may pass", async () => {
    const task = await enqueue("test.flaky", randomUUID(), {}, 3);
    failuresLeft.set(task.id, 1);
    const ended = await taskEnded(admin, task.id);
    expect(ended).toMatchObject({ state: "succeeded", attempts: 2, error: null });
    // the second attempt waited for the backoff (2 s after the first)
    expect(Date.parse(ended.finishedAt!) - Date.parse(ended.startedAt!)).toBeGreaterThanOrEqual(1_900);
  });

  it("fail for good after their last attempt, with the provider's error", async () => {
    const task = await enqueue("test.flaky", randomUUID(), {}, 1);
    failuresLeft.set(task.id, 5);
    expect(await taskEnded(admin, task.id)).toMatchObject({ state: "failed", attempts: 1, error: "provider hiccup (5 left)" });
  });

  it("fail at once on a permanent error, and run again from the first attempt when retried", async () => {
    const task = await enqueue("test.refused", randomUUID());
    expect(await taskEnded(admin, task.id)).toMatchObject({ state: "failed", attempts: 1, error: "AccessDenied: not for you" });
    failuresLeft.set(task.id, 0);
    expect(await retryTask(admin, { id: task.id })).toMatchObject({ state: "queued", attempts: 0, error: null, finishedAt: null });
    expect(await taskEnded(admin, task.id)).toMatchObject({ state: "succeeded", attempts: 1, error: null });
    await expect(retryTask(admin, { id: task.id })).rejects.toMatchObject({ status: 409, code: "task_not_failed" });
  });

  it("are listed newest first, filtered by object and state, a page at a time", async () => {
    const target = randomUUID();
    const tasks = [];
    for (const label of ["1", "2", "3"]) tasks.push(await enqueue("test.record", target, { label }));
    for (const task of tasks) await taskEnded(admin, task.id);
    const firstPage = await listTasks(admin, { targetType: "test", targetId: target, limit: 2 });
    expect(firstPage.items.map((t) => t.id)).toEqual([tasks[2].id, tasks[1].id]);
    const secondPage = await listTasks(admin, { targetType: "test", targetId: target, limit: 2, cursor: firstPage.nextCursor! });
    expect(secondPage).toMatchObject({ items: [{ id: tasks[0].id }], nextCursor: null });
    expect((await listTasks(admin, { targetId: target, state: "failed" })).items).toEqual([]);
    await expect(listTasks(admin, { cursor: "bm90LWEtY3Vyc29y" })).rejects.toMatchObject({ status: 400, code: "invalid_cursor" });
  });

  it("of objects other than apps, buckets and users are the platform admins' alone", async () => {
    const task = await enqueue("test.record", randomUUID(), { label: "hidden" });
    const person = await testUser(admin.tenantSlug, admin);
    await expect(getTask(person, { id: task.id })).rejects.toBeInstanceOf(AppError);
    expect((await listTasks(person, {})).items).toEqual([]);
    expect((await getTask(admin, { id: task.id })).id).toBe(task.id);
  });
});
