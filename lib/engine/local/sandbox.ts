import { execFileSync, spawn, type SpawnOptions } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { log } from "@/lib/log/logger";

/**
 * Where and how a step's process runs on this host.
 *
 * - `bwrap` (bubblewrap installed): a private root of its own — the system read-only, its own
 *   `/tmp` and `/work` (its working directory), any absolute output directory it writes bound to
 *   its own directory, no network (SLUICE_STEP_NETWORK=host allows it), its own PID namespace; run
 *   as `nobody` when Sluice runs as root. Sluice's data directory and other steps' directories are
 *   not there at all.
 * - `host` (no bubblewrap, and SLUICE_SANDBOX is not `required`): the command runs directly, as
 *   `nobody` when Sluice runs as root (so the data directory, mode 0700, is closed to it), in its own
 *   directory; absolute paths it writes as outputs are mapped into that directory; no network
 *   through an unprivileged network namespace (`unshare`) where the kernel allows one.
 * In both, the environment holds only what the step's definition gives it and a plain PATH, and
 * `prlimit` bounds memory and CPU time.
 */
export type SandboxMode = "bwrap" | "host";
export type SandboxSetting = "auto" | "required" | "off";

export class SandboxUnavailable extends Error {}

const NOBODY = 65534;
const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";
const which = new Map<string, string | undefined>();

function find(command: string): string | undefined {
  if (!which.has(command)) {
    const found = ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin"].map((dir) => path.join(/*turbopackIgnore: true*/ dir, command)).find(existsSync);
    which.set(command, found);
  }
  return which.get(command);
}

export function sandboxSetting(): SandboxSetting {
  const value = process.env.SLUICE_SANDBOX ?? "auto";
  if (value !== "auto" && value !== "required" && value !== "off") throw new Error(`SLUICE_SANDBOX must be auto, required or off, not "${value}".`);
  return value;
}

/** bubblewrap: SLUICE_BWRAP_PATH, else found in the system's directories. */
function bwrap(): string | undefined {
  const configured = process.env.SLUICE_BWRAP_PATH;
  if (configured !== undefined) return configured && existsSync(configured) ? configured : undefined;
  return find("bwrap");
}

/** The mode steps run in here; throws when the sandbox is required and bubblewrap is missing. */
export function sandboxMode(): SandboxMode {
  const setting = sandboxSetting();
  if (setting === "off") return "host";
  if (bwrap()) return "bwrap";
  if (setting === "required") throw new SandboxUnavailable("SLUICE_SANDBOX=required, but bubblewrap (bwrap) is not installed: steps are not run outside the sandbox.");
  return "host";
}

const stepNetwork = () => (process.env.SLUICE_STEP_NETWORK === "host" ? "host" : "none");
const runsAsRoot = () => process.getuid?.() === 0;

let userNamespaces: boolean | undefined;
/** Whether an unprivileged process may create namespaces here (what `unshare -rn` needs). */
function unprivilegedNamespaces(): boolean {
  if (userNamespaces === undefined) {
    try {
      execFileSync(find("unshare") ?? "unshare", ["--user", "--map-root-user", "--net", "true"], { stdio: "ignore", ...(runsAsRoot() ? { uid: NOBODY, gid: NOBODY } : {}) });
      userNamespaces = true;
    } catch {
      userNamespaces = false;
    }
  }
  return userNamespaces;
}

/** The directory of one step attempt, outside the data directory, owned by the user the step runs as. */
export type StepDir = { root: string; work: string; tmp: string; shm: string; files: string };

export function stepsRoot() {
  return path.resolve(/*turbopackIgnore: true*/ process.env.SLUICE_STEPS_DIR || path.join(os.tmpdir(), "sluice-steps"));
}

export function createStepDir(runId: string, stepId: number, attempt: number): StepDir {
  return stepDirAt(path.join(stepsRoot(), runId, `${stepId}-${attempt}`));
}

/** A fresh step directory at `root` (whatever was there is removed). */
export function stepDirAt(root: string): StepDir {
  rmSync(root, { recursive: true, force: true });
  const dir: StepDir = { root, work: path.join(root, "work"), tmp: path.join(root, "tmp"), shm: path.join(root, "shm"), files: path.join(root, "files") };
  mkdirSync(stepsRoot(), { recursive: true, mode: 0o711 });
  for (const sub of writable(dir)) mkdirSync(sub, { recursive: true, mode: 0o700 });
  if (runsAsRoot()) for (const owned of [path.dirname(root), root, ...writable(dir)]) chownSync(owned, NOBODY, NOBODY);
  return dir;
}

/** The directories a step may write: everything else in its sandbox is read-only. */
const writable = (dir: StepDir) => [dir.work, dir.tmp, dir.shm, dir.files];

/**
 * Empties the step's directories, for the next step of a sandbox that is used again. They are
 * read in turn and synchronously: most steps leave them empty, and four small reads cost less
 * than four trips through the thread pool.
 */
export async function clearStepDir(dir: StepDir): Promise<void> {
  const left = writable(dir).flatMap((sub) => readdirSync(sub).map((name) => path.join(sub, name)));
  await Promise.all(left.map((entry) => rm(entry, { recursive: true, force: true })));
}

/** Removes the step's directory in the background: a recursive removal blocked the worker ~2 ms a step. */
export function removeStepDir(dir: StepDir) {
  rm(dir.root, { recursive: true, force: true }).catch((error: Error) => log().warn({ err: error, dir: dir.root }, "could not remove a step's directory"));
}

/** Where an absolute path the step writes is, on the host. */
export function hostPath(dir: StepDir, sandboxPath: string): string {
  const normal = path.posix.normalize(sandboxPath);
  if (!path.posix.isAbsolute(normal)) return path.join(dir.work, normal);
  if (normal === "/tmp" || normal.startsWith("/tmp/")) return path.join(dir.tmp, normal.slice(4));
  if (normal === "/work" || normal.startsWith("/work/")) return path.join(dir.work, normal.slice(5));
  return path.join(dir.files, normal);
}

export type Limits = { memoryBytes?: number; cpuSeconds?: number };

/** What Sluice needs of a step's process: a child it spawned, or one a sandbox keeper spawned for it. */
export interface StepProcess {
  readonly pid?: number;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: "error", listener: (error: Error) => void): this;
  once(event: "close", listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

/** A step's process, ready to start: `start` spawns it (or gives its command to a warm sandbox). */
export type SandboxedCommand = { mode: SandboxMode; start: () => StepProcess };

/** Spawns `invocation`, its standard input `stdin` (or none). */
const spawnWith =
  ({ file, args, options }: Invocation, stdin: string | undefined) =>
  (): StepProcess => {
    const child = spawn(file, args, { ...options, stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    // a process may end without reading its input
    child.stdin?.on("error", () => undefined);
    if (stdin !== undefined) child.stdin?.end(stdin);
    return child;
  };

/** The user a step's process runs as: `nobody` when Sluice runs as root. */
const stepUser = (): { uid?: number; gid?: number } => (runsAsRoot() ? { uid: NOBODY, gid: NOBODY } : {});

/** What a bubblewrap sandbox is made of here; a warm sandbox made under other settings is not used. */
export const sandboxSignature = () => `${bwrap()}|${stepNetwork()}`;

export type Invocation = { file: string; args: string[]; options: SpawnOptions };

/** `command` in a bubblewrap sandbox over `dir`, with the environment the step's definition gives it. */
export function bwrapInvocation(dir: StepDir, binds: string[], env: Record<string, string>, command: string[]): Invocation {
  const args = [
    "--ro-bind", "/usr", "/usr",
    ...["bin", "lib", "lib64", "sbin"].flatMap((link) => (existsSync(`/${link}`) ? ["--ro-bind", `/${link}`, `/${link}`] : [])),
    "--ro-bind", "/etc", "/etc",
    "--proc", "/proc",
    "--dev", "/dev",
    "--bind", dir.shm, "/dev/shm",
    "--bind", dir.tmp, "/tmp",
    "--bind", dir.work, "/work",
    ...binds,
    // nothing a step writes outside its own directories outlives it (a sandbox may run the next step)
    "--remount-ro", "/dev",
    "--remount-ro", "/",
    "--chdir", "/work",
    "--unshare-all",
    ...(stepNetwork() === "host" ? ["--share-net"] : []),
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    ...Object.entries({ ...env, ...sandboxEnv() }).flatMap(([name, value]) => ["--setenv", name, value]),
    "--",
    ...command,
  ];
  return { file: bwrap()!, args, options: { ...stepUser(), cwd: dir.work, env: {} as NodeJS.ProcessEnv, detached: true } };
}

/** The variables Sluice sets in every sandboxed step, over whatever its definition gives. */
export const sandboxEnv = () => ({ PATH: SYSTEM_PATH, HOME: "/work", TMPDIR: "/tmp" });

/** Directories outside /tmp and /work that a step writes outputs to, bound into its sandbox. */
function outputBinds(dir: StepDir, outputPaths: string[]): string[] {
  return outputDirs(outputPaths).flatMap((dirPath) => {
    const host = hostPath(dir, dirPath);
    mkdirSync(host, { recursive: true });
    if (runsAsRoot()) chownTree(dir.files, host);
    return ["--bind", host, dirPath];
  });
}

/**
 * The process to spawn for `argv` (with its resource limits, `limitArgs`), given `stdin`. In host mode `outputPaths` (absolute paths the step
 * writes and Sluice reads back) are rewritten to their place in the step's directory, wherever argv or stdin names them.
 */
export function sandboxed(argv: string[], env: Record<string, string>, dir: StepDir, outputPaths: string[], stdin?: string): SandboxedCommand {
  const mode = sandboxMode();
  if (mode === "bwrap") return { mode, start: spawnWith(bwrapInvocation(dir, outputBinds(dir, outputPaths), env, argv), stdin) };
  const mapPaths = (text: string) => outputPaths.reduce((mapped, p) => mapped.split(p).join(hostPath(dir, p)), text);
  const mapped = argv.map(mapPaths);
  for (const p of outputPaths) {
    const host = path.dirname(hostPath(dir, p));
    mkdirSync(host, { recursive: true });
    if (runsAsRoot()) chownTree(dir.files, host);
  }
  const isolateNetwork = stepNetwork() === "none" && find("unshare") && unprivilegedNamespaces();
  const command = [...(isolateNetwork ? [find("unshare")!, "--user", "--map-root-user", "--net", "--"] : []), ...mapped];
  const hostEnv = { ...env, PATH: SYSTEM_PATH, HOME: dir.work, TMPDIR: dir.tmp } as unknown as NodeJS.ProcessEnv;
  return { mode, start: spawnWith({ file: command[0], args: command.slice(1), options: { ...stepUser(), cwd: dir.work, env: hostEnv, detached: true } }, stdin === undefined ? undefined : mapPaths(stdin)) };
}

/** Whether a step writing `outputPaths` needs directories of its own mounted in its sandbox. */
export const needsOutputBinds = (outputPaths: string[]) => outputDirs(outputPaths).length > 0;

/** The directories that hold absolute output paths outside /tmp and /work (bound into the sandbox). */
function outputDirs(outputPaths: string[]): string[] {
  const dirs = outputPaths
    .map((p) => path.posix.dirname(path.posix.normalize(p)))
    .filter((d) => path.posix.isAbsolute(d) && d !== "/" && !/^\/(tmp|work)(\/|$)/.test(d) && !/^\/(usr|etc|proc|dev|bin|lib|lib64|sbin)(\/|$)/.test(d));
  return [...new Set(dirs)].sort();
}

function chownTree(base: string, leaf: string) {
  for (let at = leaf; at.startsWith(base); at = path.dirname(at)) {
    chownSync(at, NOBODY, NOBODY);
    if (at === base) break;
  }
}

/** `prlimit` and its options for `limits`, to put before a command (nothing without limits or prlimit). */
export function limitArgs(limits: Limits): string[] {
  const prlimit = find("prlimit");
  if (!prlimit || (!limits.memoryBytes && !limits.cpuSeconds)) return [];
  return [prlimit, ...(limits.memoryBytes ? [`--as=${limits.memoryBytes}`] : []), ...(limits.cpuSeconds ? [`--cpu=${limits.cpuSeconds}`] : []), "--"];
}

/** Kubernetes quantities: "512Mi", "1Gi", "500M", "1000000" bytes; CPU "500m" or "2" cores. */
export function parseMemory(quantity: string | undefined): number | undefined {
  if (!quantity) return undefined;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(match[1]) * (match[2] ? units[match[2]] : 1));
}

export function parseCpu(quantity: string | undefined): number | undefined {
  if (!quantity) return undefined;
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity.trim());
  if (!match) return undefined;
  return Number(match[1]) / (match[2] ? 1000 : 1);
}
