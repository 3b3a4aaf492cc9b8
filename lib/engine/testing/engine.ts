import { randomBytes } from "node:crypto";
import { vi } from "vitest";
import "@/lib/apps/tasks";
import type { Principal } from "@/lib/auth/principal";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import type { WorkflowSpec } from "@/lib/workflows/model";
import { createWorkflow } from "@/lib/workflows/service";
import { createWorkspace } from "@/lib/workspaces/service";
import { LocalWorker } from "../local/worker";
import { registerTriggerJobs } from "../triggers/jobs";
import { getRun, startRun } from "../runs/service";
import { TERMINAL_RUN_STATES, type RunDetail } from "../runs/schema";

/** A tenant with an admin and a workspace, for engine tests. */
export async function engineFixture(prefix = "eng") {
  const { tenant, operator } = await testTenant(prefix);
  const admin = await testUser(tenant.slug, operator, { admin: true });
  const ws = await createWorkspace(admin, { name: `ws-${randomBytes(3).toString("hex")}` });
  return { tenant, operator, admin, workspaceId: ws.id };
}

export { shellStep as sh } from "@/lib/workflows/shell-step";

export async function saveWorkflow(p: Principal, workspaceId: string, name: string, spec: Partial<WorkflowSpec>) {
  return createWorkflow(p, { workspaceId, name, spec: { description: "", labels: {}, inputs: [], outputs: [], steps: [], ...spec } });
}

/** Starts a run and waits for it to end. */
export async function runToEnd(p: Principal, workspaceId: string, workflow: string, inputs: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<RunDetail> {
  const started = await startRun(p, { workspaceId, workflow, inputs, trigger: "api" });
  return waitForRun(p, workspaceId, started.id, timeoutMs);
}

export async function waitForRun(p: Principal, workspaceId: string, runId: string, timeoutMs = 60_000): Promise<RunDetail> {
  let run: RunDetail | undefined;
  await vi.waitFor(
    async () => {
      run = await getRun(p, { workspaceId, runId, include: "descendants" });
      if (!(TERMINAL_RUN_STATES as string[]).includes(run.state)) throw new Error(`run is ${run.state}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
  return run!;
}

/** One in-process worker for a test file (it handles the trigger jobs too, as `sluice worker` does). */
export function engineWorker(concurrency?: number) {
  registerTriggerJobs();
  const worker = new LocalWorker(concurrency);
  return { worker, start: () => worker.start(), stop: () => worker.stop(2_000) };
}

export const stepByKey = (run: RunDetail, key: string) => run.steps.find((s) => s.key === key)!;
