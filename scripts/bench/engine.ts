/**
 * `npm run bench:engine`: the local engine through Sluice's public API (runs started with
 * `POST /api/v1/workspaces/{ws}/workflows/{name}/runs` by a machine client, followed with
 * `GET …/runs/{id}`), on the production server (scripts/serve.mjs with its engine worker process),
 * each figure beside its floor measured in the same run by a bare Node script spawning the same
 * commands (`sh -c 'echo $((6*7))'`, spawn-floor.ts):
 *
 * - seq40: a 40-step chain, from the POST to the run's recorded end (median of BENCH_SEQ40_REPEATS);
 *   floor: the 40 commands spawned in turn. overhead_ms = (seq40 − floor) / 40, target ≤ 2 ms on
 *   PostgreSQL, ≤ 5 ms embedded. Steps run in bubblewrap when it is installed, which costs namespace
 *   set-up per spawn: the sandboxed floor spawns the same commands through the engine's own sandbox
 *   command line, and engine_overhead_ms compares with it.
 * - fanout100: 100 parallel steps; floor: the 100 commands at the worker's concurrency. Target ≤ 1.5×.
 * - runs_per_s: 1,000 one-step runs POSTed at once (BENCH_CLIENT_CONCURRENCY requests in flight), until
 *   the last ended; floor_spawns_per_s: the 1,000 commands at the worker's concurrency. Target ≥ 0.5×.
 * - fair_wait_steps: tenant A's 1,000-item map is queued, then tenant B starts a one-step run: B's
 *   queue wait (its step's start − its run's creation) in A's median step times. Target ≤ 3.
 *
 * Runs on DATABASE_URL when set (PostgreSQL), else on a fresh embedded database.
 * The last line printed is one JSON object with the figures.
 */
import os from "node:os";
import { LocalWorker } from "@/lib/engine/local/worker";
import type { RunDetail, RunSummary } from "@/lib/engine/runs/schema";
import { ensureBuild } from "../lib.mjs";
import { engineFixture, FAIR_STEPS, FAN_STEPS, SEQ_STEPS } from "../bench-lib/engine-setup";
import { COMMAND } from "../bench-lib/engine-workflows";
import { forEachLimited } from "../bench-lib/pool";
import { RunsClient, sleep } from "../bench-lib/runs-client";
import { benchDataDir, startServer } from "../bench-lib/server";
import { bareSpawner, sandboxSpawner, timeSpawns, type Spawner } from "../bench-lib/spawn-floor";
import { median, percentile } from "../bench-lib/stats";

const BURST_RUNS = 1000;
const SEQ_REPEATS = Number(process.env.BENCH_SEQ40_REPEATS ?? 5);
const FAN_REPEATS = Number(process.env.BENCH_FANOUT_REPEATS ?? 3);
const CLIENT_CONCURRENCY = Number(process.env.BENCH_CLIENT_CONCURRENCY ?? 32);
/**
 * Polling a run shares the machine (and, embedded, the one database session) with the engine: the
 * figures use the times the engine recorded, so polls can be sparse.
 */
const POLL_MS = 250;

const at = (iso: string | null) => {
  if (!iso) throw new Error("a finished run or step without its time");
  return Date.parse(iso);
};
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Starts a run and waits for it: seconds from the POST to the run's recorded end (and to the poll that saw it). */
async function timeRun(client: RunsClient, workflow: string) {
  const started = Date.now();
  const { id } = await client.startRun(workflow);
  const run = await client.waitForRun(id, POLL_MS);
  return { seconds: (at(run.finishedAt) - started) / 1000, observed: (Date.now() - started) / 1000, run };
}

/** A workflow run `repeats` times, each beside both floors (`concurrency` spawns at a time). */
async function measureWorkflow(client: RunsClient, workflow: string, steps: number, repeats: number, concurrency: number, floors: Spawner[]) {
  const runs: number[] = [];
  const observed: number[] = [];
  const floorTimes = floors.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++) {
    for (const [f, spawner] of floors.entries()) floorTimes[f].push(await timeSpawns(spawner, steps, concurrency));
    const timed = await timeRun(client, workflow);
    if (timed.run.steps.length !== steps || timed.run.steps.some((s) => s.state !== "succeeded")) throw new Error(`${workflow} did not run its ${steps} steps`);
    runs.push(timed.seconds);
    observed.push(timed.observed);
  }
  return { seconds: median(runs), observed: median(observed), all: runs, floors: floorTimes.map(median) };
}

/** 1,000 one-step runs POSTed at once; runs/s (of those the API accepted) from the first POST to the last run's end. */
async function measureBurst(client: RunsClient) {
  const ids = new Set<string>();
  const latencies: number[] = [];
  const refused: string[] = [];
  const started = Date.now();
  await forEachLimited(BURST_RUNS, CLIENT_CONCURRENCY, async () => {
    const sent = performance.now();
    try {
      ids.add((await client.startRun("burst")).id);
    } catch (error) {
      refused.push((error as Error).message);
    }
    latencies.push(performance.now() - sent);
  });
  const submitted = (Date.now() - started) / 1000;
  while (await client.anyUnfinished("burst")) await sleep(100);
  const runs: RunSummary[] = [];
  const idList = [...ids];
  await forEachLimited(idList.length, CLIENT_CONCURRENCY, async (i) => void runs.push(await client.getRun(idList[i])));
  // a run that failed still ended; the figure counts it, and the report names the failures
  const failed = runs.filter((run) => run.state !== "succeeded");
  const seconds = (Math.max(...runs.map((run) => at(run.finishedAt))) - started) / 1000;
  return {
    runsPerS: runs.length / seconds,
    seconds,
    submitted,
    postP50: percentile(latencies, 50),
    postP99: percentile(latencies, 99),
    failed: failed.length,
    failure: failed[0]?.error,
    refused: refused.length,
    refusal: refused[0],
  };
}

/** Tenant A queues a 1,000-item map; then tenant B's one-step run: how long it waited, in A's step times. */
async function measureFairness(a: RunsClient, b: RunsClient) {
  const { id } = await a.startRun("map1000");
  const items = (run: RunDetail) => run.steps.filter((s) => s.mapIndex !== null);
  for (let expanded = false; !expanded; ) {
    const run = await a.getRun(id);
    if (run.state !== "running" && run.state !== "queued") throw new Error(`the map run ended ${run.state} before it was measured`);
    expanded = items(run).length === FAIR_STEPS;
    if (!expanded) await sleep(POLL_MS);
  }
  const bRun = await b.waitForEnd((await b.startRun("single")).id, POLL_MS);
  // the figure is the wait, whatever the runs' ends; the report names an end other than success
  const aRun = await a.waitForEnd(id, 1000, 1_800_000);
  const bStep = bRun.steps[0];
  const waitMs = at(bStep.startedAt) - at(bRun.createdAt);
  const ran = items(aRun).filter((s) => s.startedAt && s.finishedAt);
  const stepMs = median(ran.map((s) => at(s.finishedAt) - at(s.startedAt)));
  const aSpanMs = Math.max(...ran.map((s) => at(s.finishedAt))) - Math.min(...ran.map((s) => at(s.startedAt)));
  return {
    ends: [aRun, bRun].filter((run) => run.state !== "succeeded").map((run) => `${run.workflow.name} ${run.state}: ${run.error}`),
    aStepsPerS: ran.length / (aSpanMs / 1000),
    waitSteps: waitMs / stepMs,
    waitMs,
    stepMs,
    bTotalMs: at(bRun.finishedAt) - at(bRun.createdAt),
    aQueuedAtB: ran.filter((s) => at(s.startedAt) >= at(bRun.createdAt)).length,
    aOvertaken: ran.filter((s) => at(s.startedAt) > at(bStep.startedAt)).length,
  };
}

async function main() {
  benchDataDir();
  ensureBuild();
  const databaseKind = process.env.DATABASE_URL ? "postgresql" : "embedded";
  const fixture = engineFixture();
  const concurrency = new LocalWorker().concurrency;
  const bare = bareSpawner(COMMAND);
  const sandboxed = sandboxSpawner(COMMAND);
  const loadBefore = os.loadavg();
  const server = await startServer();
  try {
    const a = new RunsClient(server.url, fixture.a.workspaceId, fixture.a.credentials);
    const b = new RunsClient(server.url, fixture.b.workspaceId, fixture.b.credentials);
    // warm-up: the first run of each path compiles code and fills caches
    await timeRun(a, "burst");
    await timeRun(b, "single");
    await timeRun(a, "seq40");

    const seq = await measureWorkflow(a, "seq40", SEQ_STEPS, SEQ_REPEATS, 1, [bare, sandboxed]);
    const fan = await measureWorkflow(a, "fanout100", FAN_STEPS, FAN_REPEATS, concurrency, [bare, sandboxed]);
    const floorSpawns = BURST_RUNS / (await timeSpawns(bare, BURST_RUNS, concurrency));
    const sandboxSpawns = BURST_RUNS / (await timeSpawns(sandboxed, BURST_RUNS, concurrency));
    const burst = await measureBurst(a);
    const fair = await measureFairness(a, b);
    const loadAfter = os.loadavg();

    const [floorSeq, sandboxFloorSeq] = seq.floors;
    const [floorFan, sandboxFloorFan] = fan.floors;
    const overheadMs = ((seq.seconds - floorSeq) / SEQ_STEPS) * 1000;
    const engineOverheadMs = ((seq.seconds - sandboxFloorSeq) / SEQ_STEPS) * 1000;
    const overheadTarget = databaseKind === "postgresql" ? 2 : 5;
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
    console.log(
      `Local engine on ${databaseKind === "postgresql" ? "PostgreSQL" : "embedded PGlite"} (synchronous_commit ${fixture.synchronousCommit}), steps in ${sandboxed.mode === "bwrap" ? "bubblewrap" : "the host (no bubblewrap)"}, worker concurrency ${concurrency}, ${os.availableParallelism()} cores, load average ${load(loadBefore)} before, ${load(loadAfter)} after`,
    );
    console.log(
      `seq40      ${seq.seconds.toFixed(3)} s (median of ${SEQ_REPEATS}: ${seq.all.map((s) => s.toFixed(3)).join(", ")}; seen by polling ${seq.observed.toFixed(3)} s)  floor ${floorSeq.toFixed(3)} s bare, ${sandboxFloorSeq.toFixed(3)} s ${sandboxed.label}`,
    );
    console.log(`           overhead ${overheadMs.toFixed(2)} ms/step over bare spawns (target ≤ ${overheadTarget} ms), ${engineOverheadMs.toFixed(2)} ms/step over the sandboxed floor`);
    console.log(`fanout100  ${fan.seconds.toFixed(3)} s (median of ${FAN_REPEATS})  floor ${floorFan.toFixed(3)} s bare, ${sandboxFloorFan.toFixed(3)} s ${sandboxed.label}, ${concurrency} at a time: ${(fan.seconds / floorFan).toFixed(2)}× bare, ${(fan.seconds / sandboxFloorFan).toFixed(2)}× sandboxed (target ≤ 1.5×)`);
    console.log(
      `runs/s     ${burst.runsPerS.toFixed(1)} (${BURST_RUNS - burst.refused} runs in ${burst.seconds.toFixed(2)} s, POSTed in ${burst.submitted.toFixed(2)} s, ${CLIENT_CONCURRENCY} in flight, POST p50 ${burst.postP50.toFixed(0)} ms p99 ${burst.postP99.toFixed(0)} ms)  floor ${floorSpawns.toFixed(1)} spawns/s bare, ${sandboxSpawns.toFixed(1)} ${sandboxed.label}: ${(burst.runsPerS / floorSpawns).toFixed(2)} of bare, ${(burst.runsPerS / sandboxSpawns).toFixed(2)} of sandboxed (target ≥ 0.5)`,
    );
    if (burst.refused > 0) console.log(`           ${burst.refused} of the ${BURST_RUNS} POSTs FAILED, e.g. ${burst.refusal}`);
    if (burst.failed > 0) console.log(`           ${burst.failed} of the ${BURST_RUNS - burst.refused} runs FAILED, e.g. ${burst.failure}`);
    console.log(
      `fair wait  ${fair.waitSteps.toFixed(2)} step times (tenant B's step started ${fair.waitMs.toFixed(0)} ms after its run was created; A's median step ${fair.stepMs.toFixed(0)} ms; B's run took ${fair.bTotalMs.toFixed(0)} ms; ${fair.aQueuedAtB} of A's ${FAIR_STEPS} steps had not started when B's run was created, ${fair.aOvertaken} started after B's) (target ≤ 3)`,
    );
    for (const end of fair.ends) console.log(`           the run of ${end}`);
    console.log(
      `           A's steps ran at ${fair.aStepsPerS.toFixed(1)}/s, so each held one of the ${concurrency} slots ${((concurrency / fair.aStepsPerS) * 1000).toFixed(0)} ms: B waited ${(fair.waitMs / ((concurrency / fair.aStepsPerS) * 1000)).toFixed(2)} of those`,
    );
    console.log(
      JSON.stringify({
        seq40_s: round(seq.seconds),
        floor_seq40_s: round(floorSeq),
        overhead_ms: round(overheadMs, 2),
        fanout100_s: round(fan.seconds),
        floor_fanout100_s: round(floorFan),
        runs_per_s: round(burst.runsPerS, 1),
        floor_spawns_per_s: round(floorSpawns, 1),
        fair_wait_steps: round(fair.waitSteps, 2),
        database: databaseKind,
        sandbox: sandboxed.mode,
        sandbox_floor_seq40_s: round(sandboxFloorSeq),
        engine_overhead_ms: round(engineOverheadMs, 2),
        sandbox_floor_fanout100_s: round(sandboxFloorFan),
        sandbox_floor_spawns_per_s: round(sandboxSpawns, 1),
        runs_failed: burst.failed,
        posts_failed: burst.refused,
        fair_wait_ms: round(fair.waitMs, 0),
        median_step_ms: round(fair.stepMs, 0),
        fair_a_steps_per_s: round(fair.aStepsPerS, 1),
        worker_concurrency: concurrency,
        synchronous_commit: fixture.synchronousCommit,
        load_before: round(loadBefore[0], 2),
        load_after: round(loadAfter[0], 2),
      }),
    );
  } finally {
    sandboxed.close();
    server.stop();
  }
}

await main();
