import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { log } from "@/lib/log/logger";
import type { Invocation, StepProcess } from "./sandbox";

/**
 * A small Node process that spawns warm sandboxes for the worker and hands it their standard
 * streams and control socket (as IPC handles). Spawning forks the calling process: from the
 * worker, which holds Sluice's code and data, a fork blocked its event loop about 4 ms a step; from
 * this process, which holds nothing, it costs about 1 ms of another core. The worker reads and
 * writes the streams itself and learns of the exit by message; the keeper is the sandboxes'
 * parent, so when it ends (the worker's channel closed) bubblewrap ends them too.
 */
const KEEPER_SOURCE = `
const { spawn } = require("node:child_process");
// a send fails once the worker is gone; then the keeper ends, at its disconnect
const send = (message, handle) => process.connected && process.send(message, handle, {}, () => undefined);
process.on("message", (m) => {
  let child;
  try {
    child = spawn(m.file, m.args, { ...m.options, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  } catch (error) {
    return send({ kind: "exit", id: m.id, code: null, signal: null, error: String(error) });
  }
  child.once("error", (error) => send({ kind: "exit", id: m.id, code: null, signal: null, error: error.message }));
  if (child.pid === undefined) return;
  send({ kind: "started", id: m.id, pid: child.pid });
  for (const fd of [1, 2, 3]) send({ kind: "io", id: m.id, fd }, child.stdio[fd]);
  child.once("exit", (code, signal) => send({ kind: "exit", id: m.id, code, signal }));
});
process.on("disconnect", () => process.exit(0));
// and should the channel's end be missed, a keeper whose worker is gone (it was re-parented) ends
const worker = process.ppid;
setInterval(() => process.ppid !== worker && process.exit(0), 1000);
`;

type Message = { kind: "started"; id: number; pid: number } | { kind: "io"; id: number; fd: 1 | 2 | 3 } | { kind: "exit"; id: number; code: number | null; signal: NodeJS.Signals | null; error?: string };

/** A process the keeper spawned, as the worker sees it: its streams, its exit, and signals sent by pid. */
export class KeptProcess extends EventEmitter implements StepProcess {
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  stdout: Socket | null = null;
  stderr: Socket | null = null;
  control: Socket | null = null;
  private exited = false;
  private openStreams = 2;

  /** A step starts in it: its output streams keep the worker's process alive until `rest`. */
  use() {
    this.stdout?.ref();
    this.stderr?.ref();
    this.emit("use");
    return this;
  }

  /** Its step ended and it waits for the next: it no longer keeps the worker's process alive. */
  rest() {
    this.stdout?.unref();
    this.stderr?.unref();
    this.emit("rest");
  }

  get running() {
    return this.pid !== undefined && !this.exited;
  }

  kill(signal: NodeJS.Signals = "SIGTERM") {
    if (!this.running) return false;
    try {
      process.kill(this.pid!, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** @internal the keeper's news of this process */
  receive(message: Message, handle: Socket | undefined) {
    if (message.kind === "started") this.pid = message.pid;
    else if (message.kind === "io" && handle) {
      const key = (["stdout", "stderr", "control"] as const)[message.fd - 1];
      // an idle warm sandbox does not keep the worker's process alive; `use` refs its streams
      this[key] = handle.unref();
      if (message.fd === 1 || message.fd === 2) handle.once("close", () => this.streamClosed());
      if (message.fd === 3) this.emit("ready");
    } else if (message.kind === "exit") this.ended(message.code, message.signal, message.error);
  }

  /** @internal */
  ended(code: number | null, signal: NodeJS.Signals | null, error?: string) {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.signalCode = signal;
    if (error) this.emit("error", new Error(error));
    this.emit("exit", code, signal);
    // streams that never arrived will not close
    if (!this.stdout) this.openStreams -= 1;
    if (!this.stderr) this.openStreams -= 1;
    this.maybeClose();
  }

  private streamClosed() {
    this.openStreams -= 1;
    this.maybeClose();
  }

  private maybeClose() {
    if (this.exited && this.openStreams <= 0) this.emit("close", this.exitCode, this.signalCode);
  }
}

export type Keeper = { start: (invocation: Invocation) => KeptProcess; stop: () => void; readonly alive: boolean };

/** Starts a keeper; `onExit` hears when it ended without being stopped. */
export function startKeeper(onExit: (error: Error) => void): Keeper {
  const child: ChildProcess = spawn(process.execPath, ["-e", KEEPER_SOURCE], { stdio: ["ignore", "ignore", "pipe", "ipc"], env: {} as NodeJS.ProcessEnv });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => log().warn({ stderr: text.slice(0, 2000) }, "the sandbox keeper wrote to its stderr"));
  const kept = new Map<number, KeptProcess>();
  let nextId = 1;
  let alive = true;
  let stopping = false;
  child.on("message", (message: Message, handle: Socket | undefined) => {
    const proc = kept.get(message.id);
    if (!proc) return handle?.destroy();
    proc.receive(message, handle);
    if (message.kind === "exit") kept.delete(message.id);
  });
  const lost = (why: string) => {
    if (!alive) return;
    alive = false;
    for (const proc of kept.values()) proc.ended(null, "SIGKILL");
    kept.clear();
    if (!stopping) onExit(new Error(why));
  };
  child.once("exit", (code, signal) => lost(`the sandbox keeper exited (${code ?? signal})`));
  child.once("error", (error) => lost(`the sandbox keeper failed: ${error.message}`));
  // the keeper keeps the worker's process alive only while a step runs in one of its sandboxes
  const channel = child.channel as { ref: () => void; unref: () => void } | undefined;
  let inUse = 0;
  const used = (proc: KeptProcess) => {
    let busy = false;
    const rest = () => {
      if (!busy) return;
      busy = false;
      if (--inUse === 0) channel?.unref();
    };
    proc.on("use", () => {
      if (busy) return;
      busy = true;
      if (inUse++ === 0) channel?.ref();
    });
    proc.on("rest", rest);
    proc.once("exit", rest);
  };
  child.unref();
  (child.stderr as unknown as { unref: () => void }).unref();
  channel?.unref();
  return {
    get alive() {
      return alive;
    },
    start(invocation) {
      const id = nextId++;
      const proc = new KeptProcess();
      if (!alive) {
        queueMicrotask(() => proc.ended(null, null, "the sandbox keeper is not running"));
        return proc;
      }
      kept.set(id, proc);
      used(proc);
      const { file, args, options } = invocation;
      child.send({ id, file, args, options: { uid: options.uid, gid: options.gid, cwd: options.cwd, env: options.env, detached: options.detached } }, (error) => {
        if (error) lost(`the sandbox keeper could not be reached: ${error.message}`);
      });
      return proc;
    },
    stop() {
      stopping = true;
      if (child.connected) child.disconnect();
      log().debug("sandbox keeper stopped");
    },
  };
}
