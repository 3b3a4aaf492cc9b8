import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { runSteps, stepAttempts } from "@/db/schema";
import { engineFixture, saveWorkflow, sh, stepByKey, waitForRun } from "@/lib/engine/testing/engine";
import { startRun } from "../runs/service";

/** `sluice worker` processes on the test database, as an operator would start them. */
const children: ChildProcess[] = [];
function sluiceWorker(concurrency: number) {
  const child = spawn(process.execPath, [path.resolve("scripts/sluice.mjs"), "worker", "--concurrency", String(concurrency)], {
    env: { ...process.env, SLUICE_LEASE_MS: "3000", LOG_LEVEL: "silent" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  children.push(child);
  const ready = vi.waitFor(() => expect(stderr).toMatch(/Sluice worker \S+ runs up to/), { timeout: 60_000, interval: 100 });
  return { child, ready, id: () => /Sluice worker (\S+) runs/.exec(stderr)?.[1] };
}
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

let fx: Awaited<ReturnType<typeof engineFixture>>;
beforeAll(async () => {
  fx = await engineFixture("workers");
});

describe("workers of the local engine", () => {
  it("share one queue: two `sluice worker` processes both take steps of one run", { timeout: 120_000 }, async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "wide", { steps: Array.from({ length: 12 }, (_, i) => sh(`s${i}`, "sleep 0.3; echo ok")) });
    const a = sluiceWorker(4);
    const b = sluiceWorker(4);
    await Promise.all([a.ready, b.ready]);
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "wide", inputs: {}, trigger: "api" });
    const run = await waitForRun(fx.admin, fx.workspaceId, started.id, 90_000);
    expect(run.state).toBe("succeeded");
    const db = await database();
    const attempts = await db.select({ worker: stepAttempts.worker }).from(stepAttempts).where(eq(stepAttempts.runId, run.id));
    expect(attempts).toHaveLength(12);
    expect(new Set(attempts.map((x) => x.worker))).toEqual(new Set([a.id(), b.id()]));
  });

  it("loses nothing when a worker is killed with SIGKILL mid-step: 20 runs, all finish", { timeout: 180_000 }, async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "survivor", { steps: [sh("work", "sleep 2; echo done", { retry: { limit: 2, on: "OnError" } })] });
    const victim = sluiceWorker(20);
    await victim.ready;
    const runs = await Promise.all(Array.from({ length: 20 }, () => startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "survivor", inputs: {}, trigger: "api" })));
    const ids = runs.map((r) => r.id);
    const db = await database();
    await vi.waitFor(
      async () => {
        const running = await db.select({ id: runSteps.id }).from(runSteps).where(and(inArray(runSteps.runId, ids), eq(runSteps.state, "running")));
        expect(running).toHaveLength(20);
      },
      { timeout: 60_000, interval: 100 },
    );
    victim.child.kill("SIGKILL");
    const rescuer = sluiceWorker(20);
    await rescuer.ready;
    const ended = await Promise.all(ids.map((id) => waitForRun(fx.admin, fx.workspaceId, id, 90_000)));
    expect(ended.map((r) => r.state)).toEqual(Array(20).fill("succeeded"));
    for (const run of ended) {
      const step = stepByKey(run, "work");
      expect(step.attempts.map((x) => x.state)).toEqual(["failed", "succeeded"]);
      expect(step.attempts[0].error).toMatch(/lease ran out/);
    }
  });
});
