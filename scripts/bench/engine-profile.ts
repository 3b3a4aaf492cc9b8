/**
 * `npx tsx scripts/bench/engine-profile.ts`: where the local engine's time goes, for whoever
 * optimises it (`npm run bench:engine` says how far from its floors it is). The production server
 * runs without its engine process (SLUICE_ENGINE_WORKER=0; on the embedded database its primary
 * still serves the database); one LocalWorker — the class the engine process runs — runs here
 * instead, with every SQL round trip of this process (node-postgres `Client#query`) and every
 * process it spawns timed. Runs are started and followed through the REST API, so this process's
 * queries are the engine's alone (on the embedded database the worker here is not woken by the
 * server's web processes: it finds new runs by polling, every 250 ms).
 *
 * - starting a run: the runs service's round trips (POST …/runs), called here with the worker stopped;
 * - a 40-step chain, PROFILE_REPEATS times: per step, the phases between one step's process ending
 *   and the next one's starting, the process itself, and the SQL round trips by statement;
 * - 100 parallel steps: this process's CPU time per step, against spawning the same commands
 *   through the sandbox from this same process, and the round trips per step;
 * - PROFILE_BURST one-step runs started at once: the engine's round trips per run, by statement,
 *   and the time spent in each.
 * The chain and the parallel steps stand beside their floors, the same commands spawned from this
 * process through the same sandbox in the same run; the last line printed is one JSON object with
 * the figures, floors and ratios.
 */
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import pg from "pg";
import { disconnect } from "@/db/client";
import { KeptProcess } from "@/lib/engine/local/sandbox-keeper";
import { SandboxStep } from "@/lib/engine/local/warm-sandboxes";
import { LocalWorker } from "@/lib/engine/local/worker";
import { startRun } from "@/lib/engine/runs/service";
import { findTenant, operatorPrincipal } from "@/lib/tenants/service";
import { ensureBuild } from "../lib.mjs";
import { engineFixture, FAN_STEPS, SEQ_STEPS } from "../bench-lib/engine-setup";
import { COMMAND } from "../bench-lib/engine-workflows";
import { forEachLimited } from "../bench-lib/pool";
import { RunsClient } from "../bench-lib/runs-client";
import { benchDataDir, startServer } from "../bench-lib/server";
import { sandboxSpawner, timeSpawns } from "../bench-lib/spawn-floor";
import { median } from "../bench-lib/stats";

const REPEATS = Number(process.env.PROFILE_REPEATS ?? 3);
const BURST = Number(process.env.PROFILE_BURST ?? 200);
const STARTS = 20;

type Query = { start: number; end: number; statement: string };
/** a step's process from its start (a spawn, or a warm sandbox given its command) to its end */
type Spawned = { start: number; returned: number; exit?: number; close?: number; warm: boolean };
const queries: Query[] = [];
const spawns: Spawned[] = [];
/** every spawn() call of this process (the sandbox keeper spawns warm sandboxes), and how long it blocked the event loop */
const forks: { start: number; ms: number }[] = [];

/** "insert run_logs", "update run_steps", "with jobs" (the claim)…: what a round trip did, without its values. */
function statementOf(text: string): string {
  const sql = text.trim().replace(/\s+/g, " ").toLowerCase();
  const verb = sql.split(" ")[0];
  const tables = new Set([...sql.matchAll(/(?:from|into|update|join)\s+"?([a-z_]+)"?/g)].map((m) => m[1]));
  return [verb, ...tables].join(" ") + (sql.includes("for update") ? " for update" : "");
}

/** Times every round trip of this process's node-postgres clients, and every spawned process. */
function instrument() {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === "string" ? first : (first?.text ?? "");
    const record: Query = { start: performance.now(), end: 0, statement: statementOf(text) };
    queries.push(record);
    const done = () => (record.end = performance.now());
    // pg-pool's query passes a callback; transactions' clients are awaited
    const callback = args.at(-1);
    if (typeof callback === "function") args[args.length - 1] = (...results: unknown[]) => (done(), callback(...results));
    const result = query.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === "function") void (result as Promise<unknown>).then(done, done);
    return result;
  } as typeof pg.Client.prototype.query;
  const spawn = childProcess.spawn;
  const follow = (record: Spawned, child: { once: (event: "exit" | "close", listener: () => void) => unknown }) => {
    spawns.push(record);
    child.once("exit", () => (record.exit = performance.now()));
    child.once("close", () => (record.close = performance.now()));
  };
  childProcess.spawn = ((...args: Parameters<typeof spawn>) => {
    const start = performance.now();
    const child = spawn(...args);
    const returned = performance.now();
    forks.push({ start, ms: returned - start });
    follow({ start, returned, warm: false }, child);
    return child;
  }) as typeof spawn;
  syncBuiltinESMExports();
  // a warm sandbox (lib/engine/local/warm-sandboxes.ts) was spawned by the sandbox keeper: a step starts when it is used, and ends as its SandboxStep
  const running = new WeakMap<KeptProcess, Spawned>();
  const use = KeptProcess.prototype.use;
  KeptProcess.prototype.use = function (this: KeptProcess) {
    const now = performance.now();
    const record: Spawned = { start: now, returned: now, warm: true };
    spawns.push(record);
    running.set(this, record);
    return use.call(this);
  };
  const emit = SandboxStep.prototype.emit;
  SandboxStep.prototype.emit = function (this: SandboxStep, event: string | symbol, ...args: unknown[]) {
    const record = running.get(this.sandbox);
    if (record && (event === "exit" || event === "close")) record[event] ??= performance.now();
    return emit.call(this, event, ...args);
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Round trips in [from, to), by statement, per `per` (steps or runs), most frequent first. */
function roundTrips(from: number, to: number, per: number) {
  // a round trip still waiting when the window closed (a poll, the next claim) is left out
  const inside = queries.filter((q) => q.start >= from && q.start < to && q.end > 0);
  const counts = new Map<string, { n: number; ms: number }>();
  for (const q of inside) {
    const entry = counts.get(q.statement) ?? { n: 0, ms: 0 };
    entry.n += 1;
    entry.ms += q.end - q.start;
    counts.set(q.statement, entry);
  }
  const lines = [...counts.entries()].sort((a, b) => b[1].n - a[1].n).map(([statement, c]) => `    ${(c.n / per).toFixed(2).padStart(6)}  ${ms(c.ms / c.n).padStart(9)} each  ${statement}`);
  return { total: inside.length / per, sqlMs: sum(inside.map((q) => q.end - q.start)) / per, lines };
}

async function main() {
  benchDataDir();
  ensureBuild();
  const fixture = engineFixture();
  const server = await startServer(undefined, { SLUICE_ENGINE_WORKER: "0" });
  const worker = new LocalWorker();
  try {
    instrument();
    const tenant = await findTenant(fixture.a.slug);
    if (!tenant) throw new Error(`tenant ${fixture.a.slug} is missing`);
    const queued: string[] = [];
    const startFrom = performance.now();
    for (let i = 0; i < STARTS; i++) queued.push((await startRun(operatorPrincipal(tenant), { workspaceId: fixture.a.workspaceId, workflow: "burst", trigger: "api" })).id);
    const starting = roundTrips(startFrom, performance.now(), STARTS);
    console.log(`Starting a run (the runs service, as POST …/runs calls it, ${STARTS} in turn): ${starting.total.toFixed(2)} round trips (${ms(starting.sqlMs)} of SQL):`);
    for (const line of starting.lines) console.log(line);

    await worker.start();
    const api = new RunsClient(server.url, fixture.a.workspaceId, fixture.a.credentials);
    const waitFor = (runId: string, pollMs: number) => api.waitForRun(runId, pollMs);
    const runToEnd = async (workflow: string) => waitFor((await api.startRun(workflow)).id, 100);
    await forEachLimited(queued.length, 4, (i) => waitFor(queued[i], 200).then(() => undefined));
    await runToEnd("seq40");

    // the floors: the same commands through the same sandbox, spawned from this process
    const sandbox = sandboxSpawner(COMMAND);
    const floorChainMs = (await timeSpawns(sandbox, SEQ_STEPS * REPEATS, 1)) * 1000;

    const from = performance.now();
    const firstSpawn = spawns.length;
    for (let i = 0; i < REPEATS; i++) await runToEnd("seq40");
    const to = performance.now();
    const chain = spawns.slice(firstSpawn);
    const gaps = { finish: [] as number[], prepare: [] as number[], fork: [] as number[], process: [] as number[], pipes: [] as number[], sql: [] as number[], trips: [] as number[] };
    for (const [i, s] of chain.entries()) {
      gaps.fork.push(s.returned - s.start);
      gaps.process.push(s.exit! - s.returned);
      gaps.pipes.push(s.close! - s.exit!);
      const next = chain[i + 1];
      if (!next || i % SEQ_STEPS === SEQ_STEPS - 1) continue;
      const between = queries.filter((q) => q.start >= s.close! && q.start < next.start);
      const commit = between.filter((q) => q.statement === "commit").at(0);
      gaps.finish.push((commit?.end ?? s.close!) - s.close!);
      gaps.prepare.push(next.start - (commit?.end ?? s.close!));
      gaps.sql.push(sum(between.map((q) => q.end - q.start)));
      gaps.trips.push(between.length);
    }
    const perStep = roundTrips(from, to, REPEATS * SEQ_STEPS);
    const stepMs = (to - from) / (REPEATS * SEQ_STEPS);
    const floorStepMs = floorChainMs / (REPEATS * SEQ_STEPS);
    console.log(`${SEQ_STEPS}-step chain × ${REPEATS} (${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"}), ${ms(stepMs)} per step in all (the same commands spawned in turn: ${ms(floorStepMs)}, ${(stepMs / floorStepMs).toFixed(2)}×); medians per step:`);
    console.log(`  process end → its result and the next step's claim committed   ${ms(median(gaps.finish))}`);
    console.log(`  commit → the next process spawned (load, scope, step dir, sandbox)  ${ms(median(gaps.prepare))}`);
    console.log(`  spawn() call (fork and exec, blocking the event loop)             ${ms(median(gaps.fork))} (${chain.filter((c) => c.warm).length} of ${chain.length} steps started in a warm sandbox)`);
    console.log(`  process running, until its exit                                  ${ms(median(gaps.process))}`);
    console.log(`  exit → its pipes closed                                           ${ms(median(gaps.pipes))}`);
    console.log(`  between two processes: ${median(gaps.trips)} round trips, ${ms(median(gaps.sql))} waiting on SQL`);
    console.log(`  round trips per step, everything included: ${perStep.total.toFixed(2)} (${ms(perStep.sqlMs)} of SQL):`);
    for (const line of perStep.lines) console.log(line);

    // parallel steps: what this process's CPU does per step, against spawning the same commands from it
    const floorCpu = process.cpuUsage();
    const floorFrom = performance.now();
    await timeSpawns(sandbox, FAN_STEPS, worker.concurrency);
    const floorMs = performance.now() - floorFrom;
    const floorCpuMs = cpuMs(process.cpuUsage(floorCpu)) / FAN_STEPS;
    sandbox.close();
    const fanCpu = process.cpuUsage();
    const fanFrom = performance.now();
    await waitFor((await api.startRun("fanout100")).id, 500);
    const fanTo = performance.now();
    const fanCpuMs = cpuMs(process.cpuUsage(fanCpu)) / FAN_STEPS;
    const blocked = sum(forks.filter((f) => f.start >= fanFrom && f.start < fanTo).map((f) => f.ms)) / FAN_STEPS;
    const perParallel = roundTrips(fanFrom, fanTo, FAN_STEPS);
    console.log(`${FAN_STEPS} parallel steps, ${worker.concurrency} at a time: ${ms(fanTo - fanFrom)} (the same commands spawned from this process: ${ms(floorMs)})`);
    console.log(`  this process's CPU per step ${ms(fanCpuMs)} (${ms(blocked)} of it in spawn()), per spawn of the floor ${ms(floorCpuMs)}`);
    console.log(`  round trips per step: ${perParallel.total.toFixed(2)} (${ms(perParallel.sqlMs)} of SQL):`);
    for (const line of perParallel.lines) console.log(line);

    const burstFrom = performance.now();
    const ids: string[] = [];
    await forEachLimited(BURST, 16, async () => void ids.push((await api.startRun("burst")).id));
    const submitted = performance.now();
    let failed = 0;
    await forEachLimited(ids.length, 4, async (i) => void ((await api.waitForEnd(ids[i], 500)).state !== "succeeded" && (failed += 1)));
    const burstTo = performance.now();
    const perRun = roundTrips(burstFrom, burstTo, BURST);
    console.log(
      `${BURST} one-step runs started at once: POSTed in ${ms(submitted - burstFrom)}, all ended ${ms(burstTo - submitted)} later (${(BURST / ((burstTo - burstFrom) / 1000)).toFixed(1)} runs/s)${failed ? `; ${failed} FAILED` : ""}`,
    );
    console.log(`  the engine's round trips per run: ${perRun.total.toFixed(2)} (${ms(perRun.sqlMs)} of SQL):`);
    for (const line of perRun.lines) console.log(line);
    const fanMs = fanTo - fanFrom;
    const round = (value: number) => Math.round(value * 100) / 100;
    console.log(
      JSON.stringify({
        step_ms: round(stepMs),
        floor_step_ms: round(floorStepMs),
        step_ratio: round(stepMs / floorStepMs),
        fanout100_ms: round(fanMs),
        floor_fanout100_ms: round(floorMs),
        fanout_ratio: round(fanMs / floorMs),
        cpu_per_step_ms: round(fanCpuMs),
        floor_cpu_per_spawn_ms: round(floorCpuMs),
        cpu_ratio: round(fanCpuMs / floorCpuMs),
        burst_runs_per_s: round(BURST / ((burstTo - burstFrom) / 1000)),
        burst_failed: failed,
        sandbox: sandbox.mode,
      }),
    );
  } finally {
    await worker.stop(2_000);
    await disconnect();
    server.stop();
  }
}

await main();
