import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { auditEvents, jobs, runs, workflows } from "@/db/schema";
import { createSecret } from "@/lib/secrets/service";
import { engineFixture, engineWorker, runToEnd, saveWorkflow, sh, stepByKey, waitForRun } from "@/lib/engine/testing/engine";
import { testUser } from "@/lib/testing/fixtures";
import { getWorkflow } from "@/lib/workflows/service";
import { addMember } from "@/lib/workspaces/service";
import { cancelRun, getRun, listRuns, retryRun, startRun } from "../runs/service";
import { localProvider } from "./provider";
import { loadSpec } from "./worker";
import { listLogs } from "../runs/logs";
import { wakeWorkers } from "./signals";

let fx: Awaited<ReturnType<typeof engineFixture>>;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture();
  await w.start();
});
afterAll(() => w.stop());

const states = (run: Awaited<ReturnType<typeof runToEnd>>) => Object.fromEntries(run.steps.map((s) => [s.key, s.state]));
const logOf = async (runId: string, stepId?: number) => (await listLogs(fx.admin, { workspaceId: fx.workspaceId, runId, step: stepId })).items.map((c) => c.text).join("");

describe("the local engine", () => {
  it("runs a diamond, in order, with outputs flowing", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "diamond", {
      steps: [
        sh("a", "echo A"),
        sh("b", "echo B-{{steps.a.outputs.out}}", { dependsOn: ["a"] }),
        sh("c", "echo C", { dependsOn: ["a"] }),
        sh("d", "echo D-{{steps.b.outputs.out}}-{{steps.c.outputs.out}}", { dependsOn: ["b", "c"] }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "diamond");
    expect(run.state, JSON.stringify(run.steps.map((s) => [s.key, s.state, s.error]))).toBe("succeeded");
    expect(stepByKey(run, "d").outputs).toEqual({ out: "D-B-A-C" });
    const a = stepByKey(run, "a");
    const d = stepByKey(run, "d");
    expect(new Date(d.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(a.finishedAt!).getTime());
    expect(a.attempts).toHaveLength(1);
    expect(a.attempts[0]).toMatchObject({ attempt: 1, state: "succeeded", exitCode: 0 });
    expect(await logOf(run.id, a.id)).toContain("A\n");
  });

  it("maps over a list, collects the outputs as a list, and maps over that list again", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "fan", {
      inputs: [{ name: "numbers", type: "json", required: false, default: [1, 2, 3, 4] }],
      steps: [
        sh("square", "echo $(( {{item}} * {{item}} ))", { map: { over: { from: "input", name: "numbers" }, parallelism: 2 } }),
        sh("double", "echo $(( {{item}} * 2 ))", { map: { over: { from: "step", step: "square", output: "out" } } }),
        sh("sum", "echo '{{steps.double.outputs.out}}'", { dependsOn: ["double"] }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "fan");
    expect(run.state).toBe("succeeded");
    expect(stepByKey(run, "square").outputs?.out).toEqual(["1", "4", "9", "16"]);
    expect(stepByKey(run, "double").outputs?.out).toEqual(["2", "8", "18", "32"]);
    expect(stepByKey(run, "sum").outputs?.out).toBe('["2","8","18","32"]');
    expect(run.steps.filter((s) => s.key.startsWith("square[")).map((s) => s.item)).toEqual([1, 2, 3, 4]);
  });

  it("skips steps whose when is false, shows them as skipped, and runs what follows them", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "branch", {
      steps: [
        sh("flip", "echo heads"),
        sh("heads", "echo H", { dependsOn: ["flip"], when: "{{steps.flip.outputs.out}} == heads" }),
        sh("tails", "echo T", { dependsOn: ["flip"], when: "{{steps.flip.outputs.out}} == tails" }),
        sh("after", "echo done", { dependsOn: ["heads", "tails"] }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "branch");
    expect(states(run)).toEqual({ flip: "succeeded", heads: "succeeded", tails: "skipped", after: "succeeded" });
  });

  it("runs a sub-workflow as a linked run, found with its parent's descendants", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "child", {
      inputs: [{ name: "who", type: "string", required: true }],
      outputs: [{ name: "greeting", type: "string", value: { from: "step", step: "hello", output: "out" } }],
      steps: [sh("hello", "echo hello {{inputs.who}}")],
    });
    await saveWorkflow(fx.admin, fx.workspaceId, "parent", {
      steps: [
        {
          name: "call",
          kind: "workflow",
          call: { workflow: "child", version: 1 },
          inputs: [{ name: "who", type: "string", required: true, value: { from: "literal", value: "world" } }],
          outputs: [{ name: "greeting", type: "string", source: { from: "workflow", output: "greeting" } }],
          dependsOn: [],
          continueOnFailure: false,
        },
        sh("print", "echo got {{steps.call.outputs.greeting}}", { dependsOn: ["call"] }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "parent");
    expect(run.state).toBe("succeeded");
    expect(stepByKey(run, "print").outputs).toEqual({ out: "got hello world" });
    expect(run.children).toHaveLength(1);
    const child = run.children[0];
    expect(child).toMatchObject({ parentRunId: run.id, rootRunId: run.id, state: "succeeded", workflow: { name: "child", version: 1 } });
    expect(stepByKey(run, "call").childRunId).toBe(child.id);
    const childRun = await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: child.id });
    expect(childRun.outputs).toEqual({ greeting: "hello world" });
  });

  it("retries with backoff on the policy's failures, recording every attempt", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "flaky", {
      steps: [sh("flaky", 'test "{{retries}}" -ge 2 && echo ok || (echo "try {{retries}}" >&2; exit 3)', { retry: { limit: 3, on: "OnFailure", backoff: { duration: "200ms", factor: 2 } } })],
    });
    const started = Date.now();
    const run = await runToEnd(fx.admin, fx.workspaceId, "flaky");
    expect(run.state).toBe("succeeded");
    const step = stepByKey(run, "flaky");
    expect(step.attempts.map((a) => [a.attempt, a.state, a.exitCode])).toEqual([
      [1, "failed", 3],
      [2, "failed", 3],
      [3, "succeeded", 0],
    ]);
    // 200 ms, then 400 ms of backoff
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(new Date(step.attempts[1].startedAt).getTime() - new Date(step.attempts[0].finishedAt!).getTime()).toBeGreaterThanOrEqual(180);
  });

  it("does not retry failures the policy does not cover, and omits what depended on the failed step", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "fails", {
      steps: [sh("boom", "exit 5", { retry: { limit: 2, on: "OnError" } }), sh("next", "echo never", { dependsOn: ["boom"] }), sh("side", "echo fine")],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "fails");
    expect(run.state).toBe("failed");
    expect(states(run)).toEqual({ boom: "failed", next: "omitted", side: "succeeded" });
    expect(stepByKey(run, "boom").attempts).toHaveLength(1);
  });

  it("carries on past a step with continueOnFailure, and the run succeeds (as Argo's continueOn)", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "tolerant", {
      steps: [sh("optional", "echo trying; exit 2", { continueOnFailure: true }), sh("next", "echo after", { dependsOn: ["optional"] })],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "tolerant");
    expect(states(run)).toEqual({ optional: "failed", next: "succeeded" });
    expect(run.state).toBe("succeeded");
  });

  it("stops a step at its timeout", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "slow", { steps: [sh("sleepy", "sleep 30", { timeout: "500ms" })] });
    const started = Date.now();
    const run = await runToEnd(fx.admin, fx.workspaceId, "slow");
    expect(run.state).toBe("timed_out");
    expect(stepByKey(run, "sleepy")).toMatchObject({ state: "timed_out", error: "Timed out after 500ms." });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("bounds a step's memory where the OS allows (prlimit)", async () => {
    const hog = (name: string, memory: string) => ({
      name,
      kind: "container" as const,
      container: { image: "python", command: ["python3", "-c", "b = bytearray(400 * 1024 * 1024); print('allocated')"], args: [], env: [], resources: { memory } },
      inputs: [],
      outputs: [],
      dependsOn: [],
      continueOnFailure: true,
    });
    await saveWorkflow(fx.admin, fx.workspaceId, "hog", { steps: [hog("small", "150Mi"), hog("large", "2Gi")] });
    const run = await runToEnd(fx.admin, fx.workspaceId, "hog");
    expect(stepByKey(run, "small").state).toBe("failed");
    expect(await logOf(run.id, stepByKey(run, "small").id)).toContain("MemoryError");
    expect(stepByKey(run, "large").state).toBe("succeeded");
  });

  it("refuses to run a step outside the sandbox when an admin requires it", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "sandboxed-only", { steps: [sh("inside", "echo hi")] });
    process.env.SLUICE_SANDBOX = "required";
    process.env.SLUICE_BWRAP_PATH = "/nonexistent/bwrap";
    try {
      const run = await runToEnd(fx.admin, fx.workspaceId, "sandboxed-only");
      expect(stepByKey(run, "inside")).toMatchObject({ state: "failed", error: expect.stringMatching(/SLUICE_SANDBOX=required, but bubblewrap/) });
    } finally {
      delete process.env.SLUICE_SANDBOX;
      delete process.env.SLUICE_BWRAP_PATH;
    }
  });

  it("masks every secret value given to a run in its logs and outputs", async () => {
    await createSecret(fx.admin, { workspaceId: fx.workspaceId, name: "api-token", value: "s3cr3t-VALUE-42" });
    await saveWorkflow(fx.admin, fx.workspaceId, "leaky", {
      inputs: [{ name: "token", type: "secret", required: true }],
      steps: [
        sh("leak", 'echo "token is $INPUT_TOKEN"; printf "s3cr3t-"; sleep 0.3; printf "VALUE-42\\n"; echo "$INPUT_TOKEN" >&2', {
          inputs: [{ name: "token", type: "secret", required: true, value: { from: "input", name: "token" } }],
        }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "leaky", { token: "api-token" });
    expect(run.state).toBe("succeeded");
    const log = await logOf(run.id);
    expect(log).not.toContain("s3cr3t");
    expect(log).toContain("token is ***");
    // (the spec itself spells the value out, as a test of the masking would)
    expect(JSON.stringify({ ...run, spec: null })).not.toContain("s3cr3t");
    expect(stepByKey(run, "leak").inputs).toEqual({ token: { $secret: "api-token" } });
  });

  it("runs http steps with secret headers from templates, and reads JSON outputs", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization ?? "");
      res.writeHead(201, { "content-type": "application/json", "x-trace": "t-1" }).end(JSON.stringify({ items: [{ id: 7 }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await createSecret(fx.admin, { workspaceId: fx.workspaceId, name: "http-token", value: "tok-ABC-123" });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
      await saveWorkflow(fx.admin, fx.workspaceId, "caller", {
        inputs: [{ name: "token", type: "secret", required: true }],
        steps: [
          {
            name: "call",
            kind: "http",
            http: { method: "POST", url, headers: [{ name: "Authorization", value: { from: "literal", value: "Bearer {{inputs.token}}" } }], body: "{}", successCondition: "response.statusCode == 201" },
            inputs: [{ name: "token", type: "secret", required: true, value: { from: "input", name: "token" } }],
            outputs: [
              { name: "first", type: "number", source: { from: "body", jsonPath: "$.items[0].id" } },
              { name: "trace", type: "string", source: { from: "header", name: "x-trace" } },
            ],
            dependsOn: [],
            continueOnFailure: false,
          },
        ],
      });
      const run = await runToEnd(fx.admin, fx.workspaceId, "caller", { token: "http-token" });
      expect(run.state, JSON.stringify(run.steps.map((x) => x.error))).toBe("succeeded");
      expect(seen).toEqual(["Bearer tok-ABC-123"]);
      expect(stepByKey(run, "call").outputs).toEqual({ first: 7, trace: "t-1" });
      expect(await logOf(run.id)).not.toContain("tok-ABC-123");
    } finally {
      server.close();
    }
  });

  it("cancels a run: the process really stops and the run never flips back", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "long", { steps: [sh("long", "echo started; sleep 60; echo never"), sh("after", "echo never", { dependsOn: ["long"] })] });
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "long", inputs: {}, trigger: "manual" });
    const { vi } = await import("vitest");
    await vi.waitFor(async () => expect(await logOf(started.id)).toContain("started"), { timeout: 20_000, interval: 100 });
    const at = Date.now();
    await cancelRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
    await vi.waitFor(async () => expect(stepByKey(await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id }), "long").state).toBe("cancelled"), { timeout: 10_000, interval: 100 });
    expect(Date.now() - at).toBeLessThan(8_000);
    await new Promise((r) => setTimeout(r, 500));
    const run = await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
    expect(run.state).toBe("cancelled");
    expect(states(run)).toEqual({ long: "cancelled", after: "cancelled" });
    expect(await logOf(started.id)).not.toContain("never");
  });

  it("retries a failed run from its failed step, keeping what succeeded", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "once", {
      inputs: [{ name: "marker", type: "string", required: true }],
      steps: [sh("first", "cat /proc/sys/kernel/random/uuid"), sh("second", "test -e /tmp/never-there || exit 1", { dependsOn: ["first"] })],
    });
    const failed = await runToEnd(fx.admin, fx.workspaceId, "once", { marker: "x" });
    expect(states(failed)).toEqual({ first: "succeeded", second: "failed" });
    const retried = await retryRun(fx.admin, { workspaceId: fx.workspaceId, runId: failed.id, from: "failed", version: "same" });
    const run = await waitForRun(fx.admin, fx.workspaceId, retried.id);
    expect(run.retryOf).toBe(failed.id);
    expect(stepByKey(run, "first").outputs).toEqual(stepByKey(failed, "first").outputs);
    expect(stepByKey(run, "first").attempts).toEqual([]);
    expect(stepByKey(run, "second").attempts).toHaveLength(1);
    const fromStart = await waitForRun(fx.admin, fx.workspaceId, (await retryRun(fx.admin, { workspaceId: fx.workspaceId, runId: failed.id, from: "start", version: "same" })).id);
    expect(stepByKey(fromStart, "first").outputs).not.toEqual(stepByKey(failed, "first").outputs);
  });

  it("carries on a finished step's end that its worker left behind: the job of the last step of a run ends the run", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "left-behind", { steps: [sh("only", "echo done")] });
    const ran = await runToEnd(fx.admin, fx.workspaceId, "left-behind");
    expect(ran.state).toBe("succeeded");
    // as if the worker stopped after the step's statement committed and before its run's end: the step
    // is recorded and counted, the run still says running, and the step's job is still there
    const db = await database();
    await db.update(runs).set({ state: "running", finishedAt: null, outputs: null, remaining: 0 }).where(eq(runs.id, ran.id));
    const [job] = await db.insert(jobs).values({ kind: "step", tenantKey: fx.admin.tenantId, payload: { stepId: ran.steps[0].id, runId: ran.id } }).returning();
    wakeWorkers();
    const carried = await waitForRun(fx.admin, fx.workspaceId, ran.id);
    expect(carried.state).toBe("succeeded");
    expect(await db.select().from(jobs).where(eq(jobs.id, job.id))).toEqual([]);
  });

  it("ends a run in its last step's own statement when that step's end is all the run's end needs, else in one after it", async () => {
    const db = await database();
    // rows written by one transaction carry its id (xmin)
    const writers = async (runId: string, stepId: number) => {
      const { rows } = await db.execute<{ run: string; step: string }>(sql`select (select xmin::text from runs where id = ${runId}) as run, (select xmin::text from run_steps where id = ${stepId}) as step`);
      return rows[0];
    };
    const chain = [sh("first", "echo 1"), sh("second", "echo 2-{{steps.first.outputs.out}}", { dependsOn: ["first"] })];
    await saveWorkflow(fx.admin, fx.workspaceId, "ends-with-last", { outputs: [{ name: "last", type: "string", value: { from: "step", step: "second", output: "out" } }], steps: chain });
    const foreseen = await runToEnd(fx.admin, fx.workspaceId, "ends-with-last");
    expect(foreseen.state).toBe("succeeded");
    expect(foreseen.outputs).toEqual({ last: "2-1" });
    const together = await writers(foreseen.id, stepByKey(foreseen, "second").id);
    expect(together.run).toBe(together.step);

    // the run's outputs read a step before the last: its end reads the level first
    await saveWorkflow(fx.admin, fx.workspaceId, "ends-reading-first", { outputs: [{ name: "first", type: "string", value: { from: "step", step: "first", output: "out" } }], steps: chain });
    const read = await runToEnd(fx.admin, fx.workspaceId, "ends-reading-first");
    expect(read.state).toBe("succeeded");
    expect(read.outputs).toEqual({ first: "1" });
    const apart = await writers(read.id, stepByKey(read, "second").id);
    expect(apart.run).not.toBe(apart.step);
  });

  it("writes runs started at once in one statement, each whole, and the runs list pages through them without skipping one", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "together", { steps: [sh("only", "echo together")] });
    const db = await database();
    const [workflow] = await db.select().from(workflows).where(and(eq(workflows.workspaceId, fx.workspaceId), eq(workflows.name, "together")));
    const spec = (await getWorkflow(fx.admin, { workspaceId: fx.workspaceId, name: "together" })).version.spec;
    const run = { tenantId: fx.admin.tenantId, workspaceId: fx.workspaceId, workflowId: workflow.id, workflowName: "together", workflowVersion: 1, inputs: {}, trigger: "api" as const, triggerRef: null, startedByKind: fx.admin.kind, startedById: fx.admin.id, startedByName: "test" };
    // the first goes at once; the five started while it is written wait for it, then go together
    const started = await Promise.all(Array.from({ length: 6 }, () => localProvider.start(db, { run, spec, workspaceLimit: null, alongside: [] })));
    const ids = started.map((s) => s.run.id);
    expect(started.map((s) => [s.run.state, s.steps.map((step) => [step.runId, step.state])])).toEqual(ids.map((id) => ["running", [[id, "queued"]]]));
    const written = await db.select({ id: runs.id, writer: sql<string>`xmin::text`, createdAt: sql<string>`created_at::text` }).from(runs).where(inArray(runs.id, ids));
    const writerOf = new Map(written.map((row) => [row.id, row.writer]));
    expect(new Set(ids.slice(1).map((id) => writerOf.get(id))).size).toBe(1);
    expect(writerOf.get(ids[0])).not.toBe(writerOf.get(ids[1]));
    expect(new Set(written.map((row) => row.createdAt)).size).toBe(2);
    for (const id of ids) expect(await waitForRun(fx.admin, fx.workspaceId, id)).toMatchObject({ state: "succeeded" });

    // five runs share a created_at to the microsecond: pages of two still list each once
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRuns(fx.admin, { workspaceId: fx.workspaceId, workflow: "together", limit: 2, cursor });
      listed.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(listed.toSorted()).toEqual(ids.toSorted());
  });

  it("authorizes each of many starts at once on its own caller's read: a non-member among members is refused", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "shared-read", { steps: [sh("only", "echo shared")] });
    const [member, stranger] = [await testUser(fx.tenant.slug, fx.operator), await testUser(fx.tenant.slug, fx.operator)];
    await addMember(fx.admin, { workspaceId: fx.workspaceId, email: member.subject, role: "viewer" });
    const start = (p: typeof member) => startRun(p, { workspaceId: fx.workspaceId, workflow: "shared-read", inputs: {}, trigger: "api" });
    const outcomes = await Promise.allSettled([member, stranger, member, member, stranger, member].map(start));
    expect(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.startedBy.id : (outcome.reason as { status: number }).status))).toEqual([member.id, 404, member.id, member.id, 404, member.id]);
  });

  it("reads a version's spec once for the steps that ask for it at the same time", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "read-once", { steps: [sh("a", "echo a"), sh("b", "echo b")] });
    const db = await database();
    const [workflow] = await db.select().from(workflows).where(and(eq(workflows.workspaceId, fx.workspaceId), eq(workflows.name, "read-once")));
    const select = vi.spyOn(db, "select");
    try {
      const specs = await Promise.all(Array.from({ length: 5 }, () => loadSpec({ workflowId: workflow.id, workflowVersion: 1 })));
      expect(new Set(specs).size).toBe(1);
      expect(specs[0].steps.map((step) => step.name)).toEqual(["a", "b"]);
      expect(select.mock.calls.filter(([fields]) => fields !== undefined && "spec" in fields)).toHaveLength(1);
    } finally {
      select.mockRestore();
    }
  });

  it("records a new run running with its first steps queued, and its audit entry, in the statement that starts it", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "at-once", { steps: [sh("first", "echo 1"), sh("second", "echo 2", { dependsOn: ["first"] })] });
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "at-once", inputs: {}, trigger: "api" });
    expect(started.state).toBe("running");
    expect(started.startedAt).not.toBeNull();
    expect(started.steps.map((s) => [s.key, s.state])).toEqual([
      ["first", "queued"],
      ["second", "pending"],
    ]);
    const db = await database();
    expect(await db.select().from(auditEvents).where(and(eq(auditEvents.action, "run.start"), eq(auditEvents.targetId, started.id)))).toHaveLength(1);
    // no worker had to start it: the only jobs it ever had were its steps'
    const ended = await waitForRun(fx.admin, fx.workspaceId, started.id);
    expect(states(ended)).toEqual({ first: "succeeded", second: "succeeded" });
    expect(await db.select().from(jobs).where(sql`${jobs.payload}->>'runId' = ${started.id}`)).toEqual([]);
  });

  it("refuses inputs that do not fit the workflow's inputs", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "typed", { inputs: [{ name: "n", type: "number", required: true }], steps: [sh("x", "echo {{inputs.n}}")] });
    await expect(startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "typed", inputs: { n: "many", extra: 1 }, trigger: "api" })).rejects.toMatchObject({
      status: 400,
      details: { errors: [{ path: "inputs.extra" }, { path: "inputs.n", message: "must be a number" }] },
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "typed", { n: "7" });
    expect(stepByKey(run, "x").outputs).toEqual({ out: "7" });
  });
});

describe("fairness between tenants", () => {
  it("one tenant's long fan-out does not hold back another tenant's single run by more than a few step times", async () => {
    const other = await engineFixture("fair-b");
    await saveWorkflow(fx.admin, fx.workspaceId, "flood", {
      inputs: [{ name: "items", type: "json", required: false, default: Array.from({ length: 200 }, (_, i) => i) }],
      // a parallelism limit: each item that ends hands the next one straight to its worker
      steps: [sh("item", "sleep 0.1", { map: { over: { from: "input", name: "items" }, parallelism: 16 } })],
    });
    await saveWorkflow(other.admin, other.workspaceId, "single", { steps: [sh("one", "echo hi")] });
    const flood = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "flood", inputs: {}, trigger: "api" });
    const { vi } = await import("vitest");
    await vi.waitFor(async () => expect((await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: flood.id })).steps.filter((s) => s.state === "succeeded").length).toBeGreaterThan(20), {
      timeout: 30_000,
      interval: 50,
    });
    const single = await runToEnd(other.admin, other.workspaceId, "single");
    const floodRun = await waitForRun(fx.admin, fx.workspaceId, flood.id, 120_000);
    const durations = floodRun.steps.filter((s) => s.mapIndex !== null).map((s) => new Date(s.finishedAt!).getTime() - new Date(s.startedAt!).getTime()).sort((a, b) => a - b);
    const stepTime = durations[Math.floor(durations.length / 2)];
    const waited = new Date(stepByKey(single, "one").startedAt!).getTime() - new Date(single.createdAt).getTime();
    expect(waited / stepTime, `waited ${waited} ms, a step takes ${stepTime} ms`).toBeLessThanOrEqual(3);
    expect(floodRun.state).toBe("succeeded");
  });
});
