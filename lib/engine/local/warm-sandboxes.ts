import { randomUUID } from "node:crypto";
import path from "node:path";
import { log } from "@/lib/log/logger";
import { startKeeper, type Keeper, type KeptProcess } from "./sandbox-keeper";
import { bwrapInvocation, needsOutputBinds, removeStepDir, sandboxEnv, sandboxMode, sandboxSignature, stepDirAt, stepsRoot, type SandboxedCommand, type StepDir } from "./sandbox";

/**
 * Bubblewrap sandboxes started before the steps that use them. Making a sandbox's namespaces and
 * mounts costs several milliseconds a spawn (8 ms against 2 ms for a bare `sh`, measured here); a
 * warm sandbox has paid that ahead of its step, and sits as a shell reading its step's command from
 * a socket (fd 3): its step then starts in about the time of a bare spawn. The sandbox keeper
 * (sandbox-keeper.ts) spawns them, off the worker's event loop. Each is used by one step, then
 * removed like any step's sandbox.
 *
 * The shell reads a line count, then that many lines — a script of `export NAME='value'` lines and
 * one `exec` of the step's argv, every word single-quoted — closes fd 3 and runs it: the step's
 * process replaces the shell, with only the variables its definition gives and Sluice's plain ones.
 * A command the script cannot carry (a variable name that is not a shell name, a script over
 * MAX_SCRIPT_BYTES) or a step needing more mounts starts a new sandbox as before.
 */
const SHIM = [
  "IFS= read -r n <&3 || exit 125",
  "s=",
  'while [ "$n" -gt 0 ]; do IFS= read -r l <&3 || exit 125; s="$s$l',
  '"; n=$((n - 1)); done',
  "exec 3<&-",
  'eval "$s"',
].join("\n");

/** The shell reads its script a byte at a time: past this, a new sandbox starts faster. */
const MAX_SCRIPT_BYTES = 16 * 1024;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Warm = { dir: StepDir; process: KeptProcess; signature: string };

const pool: Warm[] = [];
let starting = 0;
let holders = 0;
let wanted = 0;
let keeper: Keeper | undefined;
/** set when a warm sandbox or the keeper died unasked: this host cannot keep them, so none are started */
let broken = false;

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The script a warm sandbox runs for `argv` with `env`, or undefined when it cannot carry them. */
export function launchScript(argv: string[], env: Record<string, string>): string | undefined {
  const fixed = sandboxEnv();
  const names = Object.keys(env).filter((name) => !(name in fixed));
  if (argv.length === 0 || !names.every((name) => SHELL_NAME.test(name))) return undefined;
  if ([...argv, ...Object.values(env)].some((text) => text.includes("\0"))) return undefined;
  const script = ["unset PWD OLDPWD", ...names.map((name) => `export ${name}=${quote(env[name])}`), `exec ${argv.map(quote).join(" ")}`, ""].join("\n");
  if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) return undefined;
  return `${script.split("\n").length - 1}\n${script}`;
}

function startWarm(with_: Keeper) {
  const dir = stepDirAt(path.join(stepsRoot(), "warm", randomUUID()));
  const warm: Warm = { dir, process: with_.start(bwrapInvocation(dir, [], {}, ["sh", "-c", SHIM])), signature: sandboxSignature() };
  starting += 1;
  let ready = false;
  warm.process.once("ready", () => {
    ready = true;
    starting -= 1;
    if (wanted > 0 && !broken) pool.push(warm);
    else discard(warm);
  });
  warm.process.once("exit", (code: number | null, signal: string | null) => {
    if (!ready) starting -= 1;
    const idle = pool.indexOf(warm);
    if (idle >= 0) pool.splice(idle, 1);
    // one that never became ready, or exited while waiting, was not used: its directory is ours to remove
    if (!ready || idle >= 0) removeStepDir(dir);
    if ((!ready || idle >= 0) && wanted > 0) disable(new Error(`a warm sandbox exited (${code ?? signal}) before it was used`));
  });
  warm.process.once("error", () => undefined);
}

function discard(warm: Warm) {
  warm.process.kill("SIGKILL");
  removeStepDir(warm.dir);
}

function disable(error: Error) {
  if (broken) return;
  broken = true;
  log().warn({ err: error }, "warm sandboxes are off: steps start a new sandbox each");
  drain();
}

function refill() {
  if (broken || wanted === 0) return;
  try {
    if (sandboxMode() !== "bwrap") return;
  } catch {
    return;
  }
  keeper ??= startKeeper(disable);
  while (pool.length + starting < wanted && !broken) startWarm(keeper);
}

function drain() {
  for (const warm of pool.splice(0)) discard(warm);
}

/**
 * Keeps sandboxes warm until the returned stop is called: SLUICE_WARM_SANDBOXES of them (0 for
 * none), else `standard` — a worker keeps as many as it runs steps at once. Each is three idle
 * processes (bubblewrap, its init, the shell) using about 0.4 MB of memory of their own (measured
 * PSS; the rest is shared libraries).
 */
export function keepSandboxesWarm(standard: number): () => void {
  const count = Number(process.env.SLUICE_WARM_SANDBOXES ?? standard) || 0;
  holders += 1;
  wanted = Math.max(wanted, count);
  refill();
  return () => {
    holders -= 1;
    if (holders > 0) return;
    wanted = 0;
    drain();
    keeper?.stop();
    keeper = undefined;
  };
}

/**
 * A warm sandbox for `argv`, when one is ready and fits (no output directories to mount, a command
 * its script can carry): its directory and the command that starts the step in it. Another is
 * started in its place.
 */
export function takeWarmSandbox(argv: string[], env: Record<string, string>, outputPaths: string[]): { dir: StepDir; command: SandboxedCommand } | undefined {
  if (pool.length === 0 || needsOutputBinds(outputPaths)) return undefined;
  const script = launchScript(argv, env);
  if (script === undefined) return undefined;
  if (pool.some((candidate) => candidate.signature !== sandboxSignature())) drain();
  const warm = pool.shift();
  refill();
  if (!warm || !warm.process.running) return undefined;
  const started = warm.process;
  return {
    dir: warm.dir,
    command: {
      mode: "bwrap",
      start: (withStdin) => {
        started.control!.on("error", () => undefined);
        started.control!.end(script);
        if (!withStdin) started.stdin!.end();
        return started.use();
      },
    },
  };
}
