/**
 * Runs one workflow on the embedded database, in a process of its own, and prints the run as JSON
 * (for lib/engine/local/embedded.test.ts). The test suite's own processes use TEST_DATABASE_URL when
 * it is set, but the embedded database is Sluice's default, and it differs: one PostgreSQL session
 * behind every connection, no notifications between them. Needs SLUICE_DATA_DIR; DATABASE_URL unset.
 */
import { disconnect } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { TERMINAL_RUN_STATES } from "@/lib/engine/runs/schema";
import { getRun, startRun } from "@/lib/engine/runs/service";
import { LocalWorker } from "@/lib/engine/local/worker";
import { createTenant, operatorPrincipal } from "@/lib/tenants/service";
import { createWorkflow } from "@/lib/workflows/service";
import { shellStep as sh } from "@/lib/workflows/shell-step";
import { createWorkspace } from "@/lib/workspaces/service";

await applyMigrations();
const operator = operatorPrincipal(await createTenant({ slug: "embedded-engine" }));
const ws = await createWorkspace(operator, { name: "embedded" });
await createWorkflow(operator, {
  workspaceId: ws.id,
  name: "mixed",
  spec: {
    description: "a diamond beside a map that runs two items at a time, joined by a last step",
    labels: {},
    inputs: [],
    outputs: [],
    steps: [
      sh("a", "echo A"),
      sh("b", "echo B-{{steps.a.outputs.out}}", { dependsOn: ["a"] }),
      sh("c", "echo C", { dependsOn: ["a"] }),
      sh("square", "echo $(( {{item}} * {{item}} ))", { map: { over: { from: "literal", value: [1, 2, 3] }, parallelism: 2 } }),
      sh("d", "echo D-{{steps.b.outputs.out}}-{{steps.c.outputs.out}} '{{steps.square.outputs.out}}'", { dependsOn: ["b", "c", "square"] }),
    ],
  },
});
const worker = new LocalWorker(4);
await worker.start();
const started = await startRun(operator, { workspaceId: ws.id, workflow: "mixed", inputs: {}, trigger: "api" });
let run = await getRun(operator, { workspaceId: ws.id, runId: started.id });
for (const deadline = Date.now() + 60_000; !(TERMINAL_RUN_STATES as string[]).includes(run.state) && Date.now() < deadline; ) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  run = await getRun(operator, { workspaceId: ws.id, runId: started.id });
}
await worker.stop(2_000);
await disconnect();
console.log(JSON.stringify({ state: run.state, error: run.error, steps: run.steps.map((s) => ({ key: s.key, state: s.state, outputs: s.outputs, error: s.error })) }));
process.exit(0);
