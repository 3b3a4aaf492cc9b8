import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import path from "node:path";
import { PassThrough } from "node:stream";
import { log } from "@/lib/log/logger";
import { startKeeper, type Keeper, type KeptProcess } from "./sandbox-keeper";
import { bwrapInvocation, clearStepDir, needsOutputBinds, removeStepDir, sandboxEnv, sandboxMode, sandboxSignature, stepDirAt, stepsRoot, type SandboxedCommand, type StepDir, type StepProcess } from "./sandbox";

/**
 * Bubblewrap sandboxes started before the steps that use them, and used again by later steps of
 * the same workspace started by the same user or client. Making a sandbox's namespaces and mounts
 * costs 2–3× a bare spawn's CPU (measured here); a warm sandbox has paid that ahead of its step,
 * and one used again does not pay it at all: its step starts in the time of a bare spawn.
 *
 * A sandbox is a shell (the SHIM) reading steps from a socket (fd 3). For each, it reads a line
 * count and a nonce, then that many lines — a script of `export NAME='value'` lines and one `exec`
 * of the step's argv, every word single-quoted, its standard input a here-document or /dev/null —
 * and runs the script in a subshell without fd 3: the step's process replaces the subshell, with
 * only the variables its definition gives and Sluice's plain ones. When it ends the shim kills
 * whatever it left running (`kill -1` reaches every process of the sandbox but its init and the
 * shim), writes the nonce to stdout and stderr — where the step's output ends — and the exit code
 * to fd 3. Sluice then empties the step's directories (/work, /tmp, /dev/shm; the rest of the
 * sandbox is read-only), and the sandbox waits for the next step of the same starter in the same
 * workspace. Steps of other workspaces or starters never share one. A step that left System V IPC
 * objects behind (they outlive processes) ends its sandbox: the shim exits. The shim ignores the signals a
 * step may send its process group (`kill 0`); one that kills it anyway (`kill -9 0`) ends its
 * sandbox, and so itself, as it would have.
 *
 * A command the script cannot carry (a variable name that is not a shell name, a script over
 * MAX_SCRIPT_BYTES) or a step needing more mounts starts a new sandbox as before.
 */
const SHIM = `trap : HUP INT QUIT PIPE ALRM TERM USR1 USR2
while IFS=' ' read -r n m <&3; do
s=; while [ "$n" -gt 0 ]; do IFS= read -r l <&3 || exit 125; s="$s$l
"; n=$((n - 1)); done
( exec 3<&-; eval "$s" ); c=$?
kill -9 -1 2>/dev/null
printf %s "$m"; printf %s "$m" >&2
echo "$c" >&3
for f in /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem; do { read -r h; read -r x && exit 0; } <"$f"; done 2>/dev/null
done`;

/** The shell reads its script a byte at a time: past this, a new sandbox starts faster. */
const MAX_SCRIPT_BYTES = 16 * 1024;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** how long a used sandbox waits for its starter's next step */
const IDLE_MS = 60_000;

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The script a warm sandbox runs for `argv` with `env` and `stdin`, after its line count and
 * `nonce`; undefined when it cannot carry them.
 */
export function launchScript(argv: string[], env: Record<string, string>, stdin?: string, nonce = randomBytes(16).toString("hex")): string | undefined {
  const fixed = sandboxEnv();
  const names = Object.keys(env).filter((name) => !(name in fixed));
  if (argv.length === 0 || !names.every((name) => SHELL_NAME.test(name))) return undefined;
  if ([...argv, ...Object.values(env), stdin ?? ""].some((text) => text.includes("\0"))) return undefined;
  const end = `SLUICE_INPUT_${nonce}`;
  const input = stdin === undefined ? ["</dev/null"] : [`<<'${end}'`, ...(stdin.endsWith("\n") ? stdin.slice(0, -1) : stdin).split("\n"), end];
  const script = ["unset PWD OLDPWD", ...names.map((name) => `export ${name}=${quote(env[name])}`), `exec ${argv.map(quote).join(" ")} ${input.join("\n")}`, ""].join("\n");
  if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) return undefined;
  return `${script.split("\n").length - 1} ${nonce}\n${script}`;
}

/** One stream of a sandbox, cut into its steps' outputs at their nonces. */
export class StepOutput {
  private out: PassThrough | undefined;
  private nonce: Buffer = Buffer.alloc(0);
  private held: Buffer = Buffer.alloc(0);

  constructor(private readonly ended: () => void) {}

  /** The next step's output: what the stream carries from now to `nonce`. */
  begin(nonce: string): PassThrough {
    this.nonce = Buffer.from(nonce);
    this.held = Buffer.alloc(0);
    return (this.out = new PassThrough());
  }

  receive(chunk: Buffer) {
    // between steps, the stream carries nothing of theirs
    if (!this.out) return;
    const text = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const at = text.indexOf(this.nonce);
    if (at >= 0) return this.end(text.subarray(0, at));
    // the nonce may be cut between two chunks: hold back an end of the chunk that begins it
    let keep = Math.min(text.length, this.nonce.length - 1);
    while (keep > 0 && !text.subarray(text.length - keep).equals(this.nonce.subarray(0, keep))) keep -= 1;
    this.out.write(text.subarray(0, text.length - keep));
    this.held = text.subarray(text.length - keep);
  }

  /** The sandbox's stream closed (the sandbox ended): the step's output ends with what it held. */
  end(rest = this.held) {
    const out = this.out;
    if (!out) return;
    this.out = undefined;
    out.end(rest);
    this.ended();
  }
}

/** A step running in a warm sandbox, as the step's runner sees a process. */
export class SandboxStep extends EventEmitter implements StepProcess {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private streamsOpen = 2;
  private exited = false;

  constructor(
    /** the sandbox's processes */
    readonly sandbox: KeptProcess,
    readonly stdout: PassThrough,
    readonly stderr: PassThrough,
  ) {
    super();
  }

  get pid() {
    return this.sandbox.pid;
  }

  /** Signals end the sandbox (its process group): a sandbox whose step was killed is not used again. */
  kill(signal: NodeJS.Signals = "SIGTERM") {
    return this.sandbox.kill(signal);
  }

  /** @internal */
  streamEnded() {
    this.streamsOpen -= 1;
    this.maybeClose();
  }

  /** @internal */
  exit(code: number | null, signal: NodeJS.Signals | null) {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit("exit", code, signal);
    this.maybeClose();
  }

  private maybeClose() {
    if (this.exited && this.streamsOpen === 0) this.emit("close", this.exitCode, this.signalCode);
  }
}

/** A sandbox the keeper started, waiting on its shim for steps. */
class WarmSandbox {
  /** whose steps it runs, once it ran one */
  key: string | undefined;
  step: SandboxStep | undefined;
  ready = false;
  idleTimer: NodeJS.Timeout | undefined;
  idleSince = 0;
  readonly signature = sandboxSignature();
  private readonly outputs: [StepOutput, StepOutput];
  private replies = "";

  constructor(
    readonly dir: StepDir,
    readonly process: KeptProcess,
  ) {
    const ended = () => this.step?.streamEnded();
    this.outputs = [new StepOutput(ended), new StepOutput(ended)];
    process.once("ready", () => {
      process.stdout!.on("data", (chunk: Buffer) => this.outputs[0].receive(chunk));
      process.stderr!.on("data", (chunk: Buffer) => this.outputs[1].receive(chunk));
      process.control!.setEncoding("utf8").on("data", (text: string) => this.reply(text));
      process.control!.on("error", () => undefined);
      this.ready = true;
    });
    process.once("exit", (code: number | null, signal: NodeJS.Signals | null) => {
      for (const output of this.outputs) output.end();
      this.step?.exit(code, signal);
    });
  }

  /** Gives the sandbox its next step: `script` from launchScript. */
  run(script: string): SandboxStep {
    const nonce = script.slice(script.indexOf(" ") + 1, script.indexOf("\n"));
    const step = new SandboxStep(this.process, this.outputs[0].begin(nonce), this.outputs[1].begin(nonce));
    this.step = step;
    this.process.use();
    this.process.control!.write(script);
    return step;
  }

  private reply(text: string) {
    this.replies += text;
    const line = this.replies.indexOf("\n");
    if (line < 0) return;
    const code = Number(this.replies.slice(0, line));
    this.replies = this.replies.slice(line + 1);
    this.step?.exit(code, null);
  }
}

const fresh: WarmSandbox[] = [];
const idle = new Map<string, WarmSandbox[]>();
let starting = 0;
let holders = 0;
let wanted = 0;
let keeper: Keeper | undefined;
/** set when a warm sandbox or the keeper died unasked: this host cannot keep them, so none are started */
let broken = false;

function startWarm(with_: Keeper) {
  const dir = stepDirAt(path.join(stepsRoot(), "warm", randomUUID()));
  const sandbox = new WarmSandbox(dir, with_.start(bwrapInvocation(dir, [], {}, ["sh", "-c", SHIM])));
  starting += 1;
  sandbox.process.once("ready", () => {
    starting -= 1;
    if (wanted > 0 && !broken) fresh.push(sandbox);
    else discard(sandbox);
  });
  sandbox.process.once("exit", (code: number | null, signal: string | null) => {
    if (!sandbox.ready) starting -= 1;
    const waiting = unlist(sandbox);
    // one in use is its step's: its release removes the directory
    if (!sandbox.step) removeStepDir(dir);
    if ((!sandbox.ready || (waiting && sandbox.key === undefined)) && wanted > 0) disable(new Error(`a warm sandbox exited (${code ?? signal}) before it was used`));
  });
  sandbox.process.once("error", () => undefined);
}

/** Takes `sandbox` off the lists of those waiting; whether it was there. */
function unlist(sandbox: WarmSandbox): boolean {
  clearTimeout(sandbox.idleTimer);
  const list = sandbox.key === undefined ? fresh : idle.get(sandbox.key);
  const at = list?.indexOf(sandbox) ?? -1;
  if (at < 0) return false;
  list!.splice(at, 1);
  if (sandbox.key !== undefined && list!.length === 0) idle.delete(sandbox.key);
  return true;
}

function discard(sandbox: WarmSandbox) {
  unlist(sandbox);
  sandbox.process.kill("SIGKILL");
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
  while (fresh.length + starting < wanted && !broken) startWarm(keeper);
}

function drain() {
  for (const sandbox of [...fresh, ...[...idle.values()].flat()]) discard(sandbox);
}

/**
 * Keeps sandboxes warm until the returned stop is called: SLUICE_WARM_SANDBOXES of them (0 for
 * none), else `standard` — a worker keeps as many as it runs steps at once, and as many again of
 * used ones waiting for their starters' next steps. Each is three idle processes (bubblewrap, its
 * init, the shell) using about 0.4 MB of memory of their own (measured PSS; the rest is shared
 * libraries).
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

/** After its step: emptied, the sandbox waits for the next step of `sandbox.key`, or ends. */
async function release(sandbox: WarmSandbox) {
  sandbox.process.rest();
  const ran = sandbox.step;
  sandbox.step = undefined;
  let reusable = (!ran || ran.exitCode !== null) && sandbox.process.running && !broken && wanted > 0;
  if (reusable) {
    try {
      await clearStepDir(sandbox.dir);
    } catch (error) {
      log().warn({ err: error, dir: sandbox.dir.root }, "could not empty a warm sandbox's directory: it is not used again");
      reusable = false;
    }
  }
  // a sandbox that ended has its directory removed here, one still running as it exits
  if (!sandbox.process.running) return removeStepDir(sandbox.dir);
  if (!reusable || broken || wanted === 0) return discard(sandbox);
  const list = idle.get(sandbox.key!) ?? [];
  idle.set(sandbox.key!, list);
  list.push(sandbox);
  sandbox.idleSince = performance.now();
  sandbox.idleTimer = setTimeout(() => discard(sandbox), IDLE_MS).unref();
  const waiting = [...idle.values()].flat();
  if (waiting.length > wanted) discard(waiting.reduce((oldest, other) => (other.idleSince < oldest.idleSince ? other : oldest)));
}

/** What a step gives takeWarmSandbox: its command, and whose sandboxes it may use (`key`). */
export type WarmStep = { argv: string[]; env: Record<string, string>; outputPaths: string[]; stdin?: string; key: string };

/**
 * A warm sandbox for `step` — one that ran a step of the same key, else a new one — when one is
 * ready and fits (no output directories to mount, a command its script can carry): its directory,
 * the command that starts the step in it, and `release`, to call once the step's outputs are read.
 */
export function takeWarmSandbox(step: WarmStep): { dir: StepDir; command: SandboxedCommand; release: () => void } | undefined {
  if (needsOutputBinds(step.outputPaths)) return undefined;
  const script = launchScript(step.argv, step.env, step.stdin);
  if (script === undefined) return undefined;
  if ([...fresh, ...[...idle.values()].flat()].some((candidate) => candidate.signature !== sandboxSignature())) drain();
  const sandbox = idle.get(step.key)?.at(-1) ?? fresh[0];
  if (!sandbox) return undefined;
  unlist(sandbox);
  if (sandbox.key === undefined) refill();
  if (!sandbox.process.running) return undefined;
  sandbox.key = step.key;
  return {
    dir: sandbox.dir,
    command: { mode: "bwrap", start: () => sandbox.run(script) },
    release: () => void release(sandbox),
  };
}
