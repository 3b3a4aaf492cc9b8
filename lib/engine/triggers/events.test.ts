import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { auditEvents, eventDeliveries, eventDeliveryRuns, runs } from "@/db/schema";
import { engineFixture, engineWorker, saveWorkflow, sh, waitForRun } from "@/lib/engine/testing/engine";
import { testToken } from "@/lib/testing/fixtures";
import { call, expectProblem } from "@/lib/testing/http";
import * as api from "./endpoints";
import { createEventTrigger, deliverEvent, emitEvent, listEventTriggers, updateEventTrigger } from "./events";

let fx: Awaited<ReturnType<typeof engineFixture>>;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("events");
  await saveWorkflow(fx.admin, fx.workspaceId, "ingest", { inputs: [{ name: "path", type: "string", required: true }, { name: "size", type: "number", required: false, default: 0 }], steps: [sh("ingest", "echo {{inputs.path}}:{{inputs.size}}")] });
  await w.start();
});
afterAll(() => w.stop());

const ref = () => ({ workspaceId: fx.workspaceId, workflow: "ingest" });

async function outcomes(deliveryId: number) {
  const db = await database();
  await vi.waitFor(
    async () => {
      const [delivery] = await db.select().from(eventDeliveries).where(eq(eventDeliveries.id, deliveryId));
      expect(delivery.processedAt).not.toBeNull();
    },
    { timeout: 15_000, interval: 50 },
  );
  return db.select().from(eventDeliveryRuns).where(eq(eventDeliveryRuns.deliveryId, deliveryId));
}

describe("events", () => {
  it("starts a run of each enabled trigger whose filter matches, payload fields mapped to inputs, and records it", async () => {
    const bound = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.commit", filter: { "commit.branch": "main" }, inputs: { path: "commit.path", size: "commit.size" } });
    const other = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.commit", filter: { "commit.branch": "dev" }, inputs: { path: "commit.path" } });
    const off = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.commit", inputs: { path: "commit.path" }, enabled: false });
    const id = await emitEvent(fx.tenant.id, "storage.commit", { commit: { branch: "main", path: "/data/a.csv", size: 42 } }, "test");
    const recorded = await outcomes(id);
    expect(recorded).toEqual([{ deliveryId: id, triggerId: bound.id, runId: expect.any(String), error: null }]);
    const run = await waitForRun(fx.admin, fx.workspaceId, recorded[0].runId!);
    expect(run).toMatchObject({ state: "succeeded", trigger: "event", triggerRef: String(id), startedBy: { kind: "system", id: bound.id, name: "event storage.commit" }, inputs: { path: "/data/a.csv", size: 42 } });
    const listed = await listEventTriggers(fx.admin, ref());
    expect(listed.items.find((t) => t.id === bound.id)?.recentDeliveries).toEqual([{ deliveryId: id, at: expect.any(String), runId: run.id, error: null }]);
    expect(listed.items.find((t) => t.id === other.id)?.recentDeliveries).toEqual([]);
    for (const t of [bound, other, off]) await updateEventTrigger(fx.admin, { ...ref(), triggerId: t.id, enabled: false });
  });

  it("records why no run started when the payload does not give the inputs", async () => {
    const bound = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.delete", inputs: { path: "object.path" } });
    const id = await emitEvent(fx.tenant.id, "storage.delete", { object: { name: "x" } }, "test");
    expect(await outcomes(id)).toEqual([{ deliveryId: id, triggerId: bound.id, runId: null, error: "The run's inputs are not valid. (inputs.path: required)" }]);
    await updateEventTrigger(fx.admin, { ...ref(), triggerId: bound.id, enabled: false });
  });

  it("belongs to the emitting transaction: rolled back, nothing was delivered", async () => {
    const bound = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.rollback", inputs: { path: "path" } });
    const db = await database();
    let emitted = 0;
    await db
      .transaction(async (tx) => {
        emitted = await emitEvent(fx.tenant.id, "storage.rollback", { path: "/gone" }, "test", tx);
        throw new Error("the change failed");
      })
      .catch(() => undefined);
    expect(await db.select().from(eventDeliveries).where(eq(eventDeliveries.id, emitted))).toEqual([]);
    const committed = await db.transaction((tx) => emitEvent(fx.tenant.id, "storage.rollback", { path: "/kept" }, "test", tx));
    expect((await outcomes(committed)).map((o) => o.triggerId)).toEqual([bound.id]);
    await updateEventTrigger(fx.admin, { ...ref(), triggerId: bound.id, enabled: false });
  });

  it("starts a trigger's run once per delivery, however often (and however concurrently) the delivery is handled", async () => {
    const bound = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.twice", inputs: { path: "path" } });
    const db = await database();
    const [delivery] = await db.insert(eventDeliveries).values({ tenantId: fx.tenant.id, type: "storage.twice", payload: { path: "/once" }, source: "test" }).returning();
    await Promise.all([deliverEvent({ payload: { deliveryId: delivery.id } }), deliverEvent({ payload: { deliveryId: delivery.id } })]);
    await deliverEvent({ payload: { deliveryId: delivery.id } });
    const started = await db.select().from(runs).where(and(eq(runs.trigger, "event"), eq(runs.triggerRef, String(delivery.id)))).orderBy(asc(runs.createdAt));
    expect(started).toHaveLength(1);
    expect(await outcomes(delivery.id)).toEqual([{ deliveryId: delivery.id, triggerId: bound.id, runId: started[0].id, error: null }]);
    await updateEventTrigger(fx.admin, { ...ref(), triggerId: bound.id, enabled: false });
  });

  it("refuses events and bindings that are not valid", async () => {
    await expect(emitEvent(fx.tenant.id, "Not A Type", {}, "test")).rejects.toMatchObject({ status: 400 });
    await expect(emitEvent(fx.tenant.id, "big.event", { blob: "x".repeat(70_000) }, "test")).rejects.toMatchObject({ status: 400 });
    const unknown = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.commit", inputs: { nope: "path" } }).catch((e) => e);
    expect(unknown.details.errors).toEqual([{ path: "inputs.nope", message: "the workflow has no such input" }]);
    const badPath = await createEventTrigger(fx.admin, { ...ref(), eventType: "storage.commit", inputs: { path: "a..b" } }).catch((e) => e);
    expect(badPath.status).toBe(400);
  });
});

describe("event triggers REST API", () => {
  it("creates, reads, changes and deletes a binding (runs:write to change), audited", async () => {
    const token = (await testToken(fx.operator, ["runs:read", "runs:write"], ["sluice-admin"])).token;
    const params = { id: fx.workspaceId, name: "ingest" };
    const created = await call(api.createEventTrigger, { token, params, body: { eventType: "storage.commit", filter: { bucket: "raw" }, inputs: { path: "key" } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ eventType: "storage.commit", filter: { bucket: "raw" }, inputs: { path: "key" }, enabled: true, recentDeliveries: [] });
    const byId = { ...params, triggerId: created.body.id };
    expect((await call(api.getEventTrigger, { token, params: byId })).body.id).toBe(created.body.id);
    const changed = await call(api.updateEventTrigger, { token, params: byId, body: { enabled: false } });
    expect(changed.body.enabled).toBe(false);
    const reader = (await testToken(fx.operator, ["runs:read"], ["sluice-admin"])).token;
    expectProblem(await call(api.deleteEventTrigger, { token: reader, params: byId }), 403, "insufficient_scope");
    expect((await call(api.deleteEventTrigger, { token, params: byId })).status).toBe(204);
    expectProblem(await call(api.getEventTrigger, { token, params: byId }), 404, "not_found");
    const db = await database();
    const audited = await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, created.body.id)).orderBy(asc(auditEvents.id));
    expect(audited.map((a) => a.action)).toEqual(["event_trigger.create", "event_trigger.update", "event_trigger.delete"]);
    expectProblem(await call(api.createEventTrigger, { token, params, body: { eventType: "storage.commit", unknown: 1 } }), 400, "validation_failed");
  });
});
