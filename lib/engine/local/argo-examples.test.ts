import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineFixture, engineWorker, runToEnd, stepByKey } from "@/lib/engine/testing/engine";
import { listLogs } from "@/lib/engine/runs/logs";
import type { RunDetail } from "@/lib/engine/runs/schema";
import { ARGO_EXAMPLES_DIR } from "@/lib/workflows/argo/schema.testing";
import { importWorkflow } from "@/lib/workflows/service";

/**
 * Every Argo example imports with no problems and runs on the local engine to the outcome Argo gives
 * it: the final state and what its steps print. Container images are not used (no container runtime):
 * `echo`, `sh` and `python3` are the host's.
 */

let fx: Awaited<ReturnType<typeof engineFixture>>;
const worker = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("argo");
  await worker.start();
});
afterAll(() => worker.stop());

/** Imports an example as the workflow named after its file, asserting it has no problems, and runs it. */
async function importAndRun(file: string, timeoutMs = 60_000): Promise<RunDetail> {
  const name = file.replace(/\.yaml$/, "");
  const imported = await importWorkflow(fx.admin, { workspaceId: fx.workspaceId, name, document: readFileSync(path.join(ARGO_EXAMPLES_DIR, file), "utf8") });
  expect(imported.problems).toEqual([]);
  return runToEnd(fx.admin, fx.workspaceId, name, {}, timeoutMs);
}

/** What a step printed on stdout in one attempt (default: its last). */
async function printed(run: RunDetail, key: string, attempt = stepByKey(run, key).attempt): Promise<string> {
  const { items } = await listLogs(fx.admin, { workspaceId: fx.workspaceId, runId: run.id, step: stepByKey(run, key).id, attempt });
  return items
    .filter((chunk) => chunk.stream === "stdout")
    .map((chunk) => chunk.text)
    .join("");
}

const states = (run: RunDetail) => Object.fromEntries(run.steps.map((step) => [step.key, step.state]));
/**
 * Whether a step started once `before` had finished. Only for a step with that one upstream step: on
 * PostgreSQL, a join's recorded times come from overlapping transactions (see the report on now()).
 */
const startedAfter = (run: RunDetail, key: string, before: string) => new Date(stepByKey(run, key).startedAt!).getTime() >= new Date(stepByKey(run, before).finishedAt!).getTime();
const describeRun = (run: RunDetail) => JSON.stringify({ state: run.state, error: run.error, steps: run.steps.map((s) => [s.key, s.state, s.error]) });

/** Echo steps: each key prints its line. */
async function expectPrints(run: RunDetail, lines: Record<string, string>) {
  for (const [key, line] of Object.entries(lines)) expect(await printed(run, key), key).toBe(`${line}\n`);
}

const EXAMPLES: Record<string, () => Promise<void>> = {
  "hello-world.yaml": async () => {
    const run = await importAndRun("hello-world.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    await expectPrints(run, { "hello-world": "hello world" });
  },

  "steps.yaml": async () => {
    const run = await importAndRun("steps.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    await expectPrints(run, { hello1: "hello1", hello2a: "hello2a", hello2b: "hello2b" });
    expect(startedAfter(run, "hello2a", "hello1") && startedAfter(run, "hello2b", "hello1")).toBe(true);
  },

  "dag-diamond.yaml": async () => {
    const run = await importAndRun("dag-diamond.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    await expectPrints(run, { A: "A", B: "B", C: "C", D: "D" });
    expect([startedAfter(run, "B", "A"), startedAfter(run, "C", "A")]).toEqual([true, true]);
  },

  "dag-multiroot.yaml": async () => {
    const run = await importAndRun("dag-multiroot.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    await expectPrints(run, { A: "A", B: "B", C: "C", D: "D" });
    expect(startedAfter(run, "C", "A")).toBe(true);
  },

  "dag-nested.yaml": async () => {
    const run = await importAndRun("dag-nested.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    const lines = Object.fromEntries(["A", "B", "C", "D"].flatMap((outer) => ["A", "B", "C", "D"].map((inner) => [`${outer}/${inner}`, `${outer}${inner}`])));
    await expectPrints(run, lines);
    expect([startedAfter(run, "B/A", "A/D"), startedAfter(run, "A/B", "A/A"), startedAfter(run, "D/C", "D/A")]).toEqual([true, true, true]);
  },

  "dag-diamond-steps.yaml": async () => {
    const run = await importAndRun("dag-diamond-steps.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    const lines = Object.fromEntries(["A", "B", "C", "D"].flatMap((group) => [0, 1, 2].map((i) => [`${group}/echo[${i}]`, `${group}${i + 1}`])));
    await expectPrints(run, lines);
    expect([startedAfter(run, "B", "A"), startedAfter(run, "C", "A")]).toEqual([true, true]);
  },

  "loops-param-result.yaml": async () => {
    // as written: 11 items sleeping 20 to 30 seconds each, in parallel
    const run = await importAndRun("loops-param-result.yaml", 120_000);
    expect(run.state, describeRun(run)).toBe("succeeded");
    expect(stepByKey(run, "generate").outputs).toEqual({ result: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30] });
    const lines = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`sleep[${i}]`, `sleeping for ${20 + i} seconds\ndone`]));
    await expectPrints(run, lines);
  },

  "parameter-aggregation.yaml": async () => {
    const run = await importAndRun("parameter-aggregation.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    expect(stepByKey(run, "odd-or-even").outputs).toMatchObject({
      num: ["1", "2", "3", "4"],
      evenness: ["odd", "even", "odd", "even"],
      "*": [
        { num: "1", evenness: "odd" },
        { num: "2", evenness: "even" },
        { num: "3", evenness: "odd" },
        { num: "4", evenness: "even" },
      ],
    });
    await expectPrints(run, { "print-nums": '["1","2","3","4"]', "print-evenness": '["odd","even","odd","even"]', "divide-by-2[1]": "1", "divide-by-2[3]": "2", "print[0]": "1", "print[1]": "2" });
    expect([states(run)["divide-by-2[0]"], states(run)["divide-by-2[2]"], states(run)["print[2]"]]).toEqual(["skipped", "skipped", undefined]);
  },

  "dag-conditional-parameters.yaml": async () => {
    const run = await importAndRun("dag-conditional-parameters.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    const coin = stepByKey(run, "flip-coin").outputs?.result;
    expect(["heads", "tails"]).toContain(coin);
    const other = coin === "heads" ? "tails" : "heads";
    expect([states(run)[coin as string], states(run)[other]]).toEqual(["succeeded", "skipped"]);
    expect(await printed(run, coin as string)).toBe(`${coin}\n`);
    expect(run.outputs).toEqual({ stepresult: coin });
  },

  "retry-with-steps.yaml": async () => {
    // each attempt fails with probability 2/3 and the retry limit is 10: a step ends after 1 to 11 attempts
    const run = await importAndRun("retry-with-steps.yaml");
    expect(["succeeded", "failed"]).toContain(run.state);
    const ran = ["hello1", "hello2a", "hello2b"].filter((key) => stepByKey(run, key).attempts.length > 0);
    for (const key of ran) {
      const step = stepByKey(run, key);
      expect(step.attempts.length).toBeLessThanOrEqual(11);
      expect(step.attempts.slice(0, -1).every((attempt) => attempt.state === "failed" && attempt.exitCode === 1)).toBe(true);
      expect(step.state === "succeeded" || step.attempts.length === 11, describeRun(run)).toBe(true);
      for (const attempt of step.attempts) expect(await printed(run, key, attempt.attempt)).toBe(`retries: ${attempt.attempt - 1}\n`);
    }
    const failed = ran.filter((key) => stepByKey(run, key).state === "failed");
    expect(run.state).toBe(failed.length > 0 ? "failed" : "succeeded");
    if (stepByKey(run, "hello1").state === "failed") expect([states(run).hello2a, states(run).hello2b]).toEqual(["omitted", "omitted"]);
  },

  "exit-handlers.yaml": async () => {
    const run = await importAndRun("exit-handlers.yaml");
    expect(run.state, describeRun(run)).toBe("failed");
    expect(stepByKey(run, "intentional-fail").exitCode).toBe(1);
    await expectPrints(run, { "intentional-fail": "intentional failure", "@onExit/cry": "boohoo!" });
    expect([states(run)["@onExit"], states(run)["@onExit/notify"], states(run)["@onExit/celebrate"], states(run)["@onExit/cry"]]).toEqual(["succeeded", "succeeded", "skipped", "succeeded"]);
    expect(startedAfter(run, "@onExit/notify", "intentional-fail")).toBe(true);
    // {{workflow.failures}} is JSON; the shell of `sh -c` drops its quotes, as in Argo
    const email = await printed(run, "@onExit/notify");
    expect(email).toMatch(/^send e-mail: exit-handlers Failed \d+(\.\d+)?\. Failed steps \[\{.*\}\]\n$/);
    for (const field of ["displayName:intentional-fail", "message:The process exited with code 1.", "phase:Failed", `finishedAt:${stepByKey(run, "intentional-fail").finishedAt}`]) expect(email).toContain(field);
  },

  "cron-workflow.yaml": async () => {
    // the CronWorkflow's workflowSpec, started by hand: {{workflow.scheduledTime}} is only set for scheduled runs
    const run = await importAndRun("cron-workflow.yaml");
    expect(run.state, describeRun(run)).toBe("succeeded");
    await expectPrints(run, { "hello-world-with-time": "🕓 hello world. Scheduled on: " });
  },
};

describe.concurrent("Argo examples on the local engine", () => {
  it("has a case for every example", () => {
    const files = readdirSync(ARGO_EXAMPLES_DIR).filter((file) => file.endsWith(".yaml"));
    expect(Object.keys(EXAMPLES).sort()).toEqual(files.sort());
  });

  for (const [file, check] of Object.entries(EXAMPLES)) it(file, check, 150_000);
});
