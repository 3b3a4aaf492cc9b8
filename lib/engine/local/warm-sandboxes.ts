import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { log } from "@/lib/log/logger";
import { bwrapInvocation, needsOutputBinds, removeStepDir, sandboxEnv, sandboxMode, sandboxSignature, stepDirAt, stepsRoot, type SandboxedCommand, type StepDir } from "./sandbox";

/**
 * Bubblewrap sandboxes started before the steps that use them. Making a sandbox's namespaces and
 * mounts costs several milliseconds a spawn (8 ms against 2 ms for a bare `sh`, measured here); a
 * warm sandbox has paid that while the worker waited on something else, and sits as a shell reading
 * its step's command from a socket (fd 3): its step then starts in about the time of a bare spawn.
 * Each is used by one step, then removed like any step's sandbox.
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

type Warm = { dir: StepDir; child: ChildProcess; signature: string };

const pool: Warm[] = [];
let holders = 0;
let wanted = 0;
/** set when a warm sandbox died before it was used: this host cannot keep them, so none are started */
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

function startWarm(): Warm {
  const dir = stepDirAt(path.join(stepsRoot(), "warm", randomUUID()));
  const { file, args, options } = bwrapInvocation(dir, [], {}, ["sh", "-c", SHIM]);
  const child = spawn(file, args, { ...options, stdio: ["pipe", "pipe", "pipe", "pipe"] });
  const warm: Warm = { dir, child, signature: sandboxSignature() };
  const discard = () => {
    const at = pool.indexOf(warm);
    if (at < 0) return false;
    pool.splice(at, 1);
    removeStepDir(dir);
    return true;
  };
  child.once("error", (error) => discard() && disable(error));
  child.once("exit", (code) => discard() && holders > 0 && disable(new Error(`a warm sandbox exited with ${code} before it was used`)));
  return warm;
}

function disable(error: Error) {
  if (broken) return;
  broken = true;
  log().warn({ err: error }, "warm sandboxes are off: steps start a new sandbox each");
  drain();
}

function refill() {
  if (broken) return;
  try {
    if (sandboxMode() !== "bwrap") return;
  } catch {
    return;
  }
  while (pool.length < wanted && !broken) pool.push(startWarm());
}

function drain() {
  for (const warm of pool.splice(0)) {
    try {
      process.kill(-warm.child.pid!, "SIGKILL");
    } catch {
      warm.child.kill("SIGKILL");
    }
    removeStepDir(warm.dir);
  }
}

/** Keeps `count` sandboxes warm (SLUICE_WARM_SANDBOXES, default 4; 0 for none) until the returned stop is called. */
export function keepSandboxesWarm(count = Number(process.env.SLUICE_WARM_SANDBOXES ?? 4)): () => void {
  holders += 1;
  wanted = Math.max(wanted, count);
  refill();
  return () => {
    holders -= 1;
    if (holders > 0) return;
    wanted = 0;
    drain();
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
  setImmediate(refill);
  if (!warm) return undefined;
  const { child } = warm;
  return {
    dir: warm.dir,
    command: {
      mode: "bwrap",
      start: (withStdin) => {
        const control = child.stdio[3] as NodeJS.WritableStream & NodeJS.EventEmitter;
        control.on("error", () => undefined);
        control.end(script);
        if (!withStdin) child.stdin!.end();
        return child;
      },
    },
  };
}
