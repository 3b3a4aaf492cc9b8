import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engineFixture, engineWorker, saveWorkflow, sh, waitForRun } from "@/lib/engine/testing/engine";
import { call, expectProblem } from "@/lib/testing/http";
import { testToken, testUser } from "@/lib/testing/fixtures";
import { addMember, archiveWorkspace, updateWorkspace } from "@/lib/workspaces/service";
import * as api from "./endpoints";
import { getRun, listRuns, startRun } from "./service";

let fx: Awaited<ReturnType<typeof engineFixture>>;
let token: string;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("runs-api");
  token = (await testToken(fx.operator, ["runs:read", "runs:write", "workflows:read"], ["sluice-admin"])).token;
  await saveWorkflow(fx.admin, fx.workspaceId, "hello", { inputs: [{ name: "who", type: "string", required: false, default: "world" }], steps: [sh("hello", "echo hello {{inputs.who}}")] });
  await w.start();
});
afterAll(() => w.stop());

describe("runs REST API", () => {
  it("starts a run with inputs, reads it, its log as text and as chunks, and lists it", async () => {
    const started = await call(api.startRun, { token, params: { id: fx.workspaceId, name: "hello" }, body: { inputs: { who: "api" } } });
    expect(started.status, started.text).toBe(201);
    expect(started.body).toMatchObject({ workflow: { name: "hello", version: 1 }, trigger: "api", inputs: { who: "api" } });
    await waitForRun(fx.admin, fx.workspaceId, started.body.id);
    const got = await call(api.getRun, { token, params: { id: fx.workspaceId, runId: started.body.id } });
    expect(got.body).toMatchObject({ state: "succeeded", steps: [{ key: "hello", state: "succeeded", outputs: { out: "hello api" } }] });
    const text = await call(api.runLogs, { token, params: { id: fx.workspaceId, runId: started.body.id } });
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.text).toContain("[hello] hello api");
    const chunks = await call(api.runLogs, { token, params: { id: fx.workspaceId, runId: started.body.id }, headers: { accept: "application/json" } });
    expect(chunks.body.done).toBe(true);
    expect(chunks.body.items.map((c: { text: string }) => c.text).join("")).toContain("hello api");
    const listed = await call(api.listWorkspaceRuns, { token, params: { id: fx.workspaceId }, query: { workflow: "hello", state: "succeeded" } });
    expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(started.body.id);
    const everywhere = await call(api.listAllRuns, { token });
    expect(everywhere.body.items.map((r: { id: string }) => r.id)).toContain(started.body.id);
  });

  it("follows a log as Server-Sent Events until the run ends", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "ticker", { steps: [sh("tick", "for i in 1 2 3; do echo tick $i; sleep 0.3; done")] });
    const started = await call(api.startRun, { token, params: { id: fx.workspaceId, name: "ticker" }, body: {} });
    const events = await call(api.runLogs, { token, params: { id: fx.workspaceId, runId: started.body.id }, headers: { accept: "text/event-stream" } });
    expect(events.headers.get("content-type")).toBe("text/event-stream");
    const data = events.text.split("\n\n").filter((e) => e.startsWith("event: chunk")).map((e) => JSON.parse(e.split("data: ")[1]).text).join("");
    expect(data).toMatch(/tick 1\ntick 2\ntick 3/);
    expect(events.text.trimEnd().endsWith("event: end\ndata: {}")).toBe(true);
  });

  it("needs runs:write to start or cancel, and hides other tenants' runs", async () => {
    const reader = (await testToken(fx.operator, ["runs:read"], ["sluice-admin"])).token;
    expectProblem(await call(api.startRun, { token: reader, params: { id: fx.workspaceId, name: "hello" }, body: {} }), 403, "insufficient_scope");
    const other = await engineFixture("runs-other");
    const stranger = (await testToken(other.operator, ["runs:read", "runs:write"], ["sluice-admin"])).token;
    const run = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "hello", inputs: {}, trigger: "manual" });
    expectProblem(await call(api.getRun, { token: stranger, params: { id: fx.workspaceId, runId: run.id } }), 404, "not_found");
    expectProblem(await call(api.cancelRun, { token: stranger, params: { id: fx.workspaceId, runId: run.id } }), 404, "not_found");
    expectProblem(await call(api.getRun, { token, params: { id: fx.workspaceId, runId: "not-a-uuid" } }), 404, "not_found");
    // starting one reads the workspace, the membership and the workflow together: each missing part is its own 404
    expectProblem(await call(api.startRun, { token: stranger, params: { id: fx.workspaceId, name: "hello" }, body: {} }), 404, "not_found");
    expectProblem(await call(api.startRun, { token, params: { id: "not-a-uuid", name: "hello" }, body: {} }), 404, "not_found");
    const missing = expectProblem(await call(api.startRun, { token, params: { id: fx.workspaceId, name: "nothing-here" }, body: {} }), 404, "not_found");
    expect(missing.title).toMatch(/workflow/i);
    expectProblem(await call(api.startRun, { token, params: { id: fx.workspaceId, name: "hello" }, body: { version: 99 } }), 404, "not_found");
    const archived = await engineFixture("runs-archived");
    await saveWorkflow(archived.admin, archived.workspaceId, "hello", { steps: [sh("hello", "echo hi")] });
    await archiveWorkspace(archived.admin, { id: archived.workspaceId });
    await expect(startRun(archived.admin, { workspaceId: archived.workspaceId, workflow: "hello", inputs: {}, trigger: "api" })).rejects.toMatchObject({ status: 409, code: "workspace_archived" });
  });

  it("refuses bad input with field errors", async () => {
    const bad = await call(api.startRun, { token, params: { id: fx.workspaceId, name: "hello" }, body: { inputs: { nope: 1 }, version: 2147483648 } });
    expectProblem(bad, 400, "validation_failed");
    const retry = await call(api.retryRun, { token, params: { id: fx.workspaceId, runId: "00000000-0000-4000-8000-000000000000" }, body: { from: "middle" } });
    expectProblem(retry, 400, "validation_failed");
  });
});

describe("workspace run settings", () => {
  it("runs at most maxConcurrentRuns at once; the others wait as queued and start oldest first", async () => {
    const limited = await engineFixture("limit");
    await updateWorkspace(limited.admin, { id: limited.workspaceId, maxConcurrentRuns: 1 });
    await saveWorkflow(limited.admin, limited.workspaceId, "nap", { steps: [sh("nap", "sleep 0.8")] });
    const start = () => startRun(limited.admin, { workspaceId: limited.workspaceId, workflow: "nap", inputs: {}, trigger: "api" });
    const [first, second, third] = [await start(), await start(), await start()];
    await vi.waitFor(async () => expect((await getRun(limited.admin, { workspaceId: limited.workspaceId, runId: first.id })).state).toBe("running"), { timeout: 10_000, interval: 50 });
    for (const waiting of [second, third]) expect((await getRun(limited.admin, { workspaceId: limited.workspaceId, runId: waiting.id })).state).toBe("queued");
    const [a, b, c] = [await waitForRun(limited.admin, limited.workspaceId, first.id), await waitForRun(limited.admin, limited.workspaceId, second.id), await waitForRun(limited.admin, limited.workspaceId, third.id)];
    expect([a.state, b.state, c.state]).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(new Date(b.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(a.finishedAt!).getTime());
    expect(new Date(c.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(b.finishedAt!).getTime());
  }, 30_000);

  it("with visibility 'own', viewers see only the runs they started", async () => {
    await updateWorkspace(fx.admin, { id: fx.workspaceId, runVisibility: "own" });
    const viewer = await testUser(fx.tenant.slug, fx.operator);
    await addMember(fx.admin, { workspaceId: fx.workspaceId, email: viewer.subject, role: "viewer" });
    const others = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "hello", inputs: {}, trigger: "manual" });
    const mine = await startRun(viewer, { workspaceId: fx.workspaceId, workflow: "hello", inputs: {}, trigger: "manual" });
    const seen = (await listRuns(viewer, { workspaceId: fx.workspaceId })).items.map((r) => r.id);
    expect(seen).toContain(mine.id);
    expect(seen).not.toContain(others.id);
    await expect(getRun(viewer, { workspaceId: fx.workspaceId, runId: others.id })).rejects.toMatchObject({ status: 404 });
    expect((await listRuns(fx.admin, { workspaceId: fx.workspaceId })).items.map((r) => r.id)).toEqual(expect.arrayContaining([mine.id, others.id]));
    await updateWorkspace(fx.admin, { id: fx.workspaceId, runVisibility: "all" });
  });

  it("only tenant admins choose the step kinds a workspace may use", async () => {
    const wsAdmin = await testUser(fx.tenant.slug, fx.operator);
    await addMember(fx.admin, { workspaceId: fx.workspaceId, email: wsAdmin.subject, role: "admin" });
    await expect(updateWorkspace(wsAdmin, { id: fx.workspaceId, allowedStepKinds: ["container", "script", "http", "workflow", "group"] })).rejects.toMatchObject({ status: 403 });
    const changed = await updateWorkspace(fx.admin, { id: fx.workspaceId, allowedStepKinds: ["script"] });
    expect(changed.allowedStepKinds).toEqual(["script"]);
    await expect(startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "hello", inputs: {}, trigger: "manual" })).rejects.toMatchObject({
      status: 400,
      code: "invalid_workflow",
      details: { problems: [expect.objectContaining({ code: "step-kind-not-allowed" })] },
    });
    await updateWorkspace(fx.admin, { id: fx.workspaceId, allowedStepKinds: null });
  });
});
