import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { createStepDir, sandboxed, type SandboxMode, type StepProcess } from "@/lib/engine/local/sandbox";
import { forEachLimited } from "./pool";

/**
 * The floors of `npm run bench:engine`: the commands a workflow's steps run, spawned by a bare Node
 * script (child_process.spawn, output read through pipes as the engine reads it), either as they are
 * or through the same sandbox command line the engine builds for a step (lib/engine/local/sandbox.ts).
 */
export type Spawner = { label: string; spawnOnce: () => Promise<void> };

function spawnToEnd(label: string, start: () => StepProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = start();
    let stdout = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr!.resume();
    child.once("error", reject);
    child.once("close", (code) => (code === 0 && stdout === "42\n" ? resolve() : reject(new Error(`${label} exited with ${code}, printing ${JSON.stringify(stdout)}`))));
  });
}

/** `argv` spawned directly. */
export function bareSpawner(argv: string[]): Spawner {
  return { label: "bare", spawnOnce: () => spawnToEnd(argv[0], () => spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] })) };
}

/** `argv` spawned through the engine's sandbox command line, in one step directory made as the engine makes it. */
export function sandboxSpawner(argv: string[]): Spawner & { mode: SandboxMode; close: () => void } {
  const runId = `bench-floor-${process.pid}`;
  const dir = createStepDir(runId, 1, 1);
  const command = sandboxed(argv, {}, dir, []);
  return {
    label: command.mode,
    mode: command.mode,
    spawnOnce: () => spawnToEnd(command.mode, () => command.start()),
    close: () => rmSync(path.dirname(dir.root), { recursive: true, force: true }),
  };
}

/** Seconds to run `count` spawns, `concurrency` at a time (1: each waits for the one before). */
export async function timeSpawns(spawner: Spawner, count: number, concurrency: number): Promise<number> {
  const started = performance.now();
  await forEachLimited(count, concurrency, () => spawner.spawnOnce());
  return (performance.now() - started) / 1000;
}
