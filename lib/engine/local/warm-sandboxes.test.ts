import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxMode, type StepProcess } from "./sandbox";
import { keepSandboxesWarm, launchScript, StepOutput, takeWarmSandbox, type WarmStep } from "./warm-sandboxes";

function finish(child: StepProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

const tricky = "it's \"quoted\" $HOME `id` \\ and\nover two lines ";

describe("the script a warm sandbox runs", () => {
  it("single-quotes every word and counts its lines", () => {
    const script = launchScript(["sh", "-c", "echo 'x'"], { A: tricky }, undefined, "n0nce")!;
    const [head, ...rest] = script.split("\n");
    expect(head).toBe(`${rest.length - 1} n0nce`);
    expect(script).toContain(`exec 'sh' '-c' 'echo '\\''x'\\''' </dev/null`);
  });

  it("gives standard input as a here-document its text cannot end", () => {
    const script = launchScript(["sh", "-s"], {}, "echo SLUICE_INPUT_n0nce\n", "n0nce")!;
    expect(script.endsWith("exec 'sh' '-s' <<'SLUICE_INPUT_n0nce'\necho SLUICE_INPUT_n0nce\nSLUICE_INPUT_n0nce\n")).toBe(true);
  });

  it("refuses what a shell script cannot carry, so the step starts a new sandbox", () => {
    expect(launchScript(["true"], { "not-a-name": "x" })).toBeUndefined();
    expect(launchScript(["true"], { A: "nul\0byte" })).toBeUndefined();
    expect(launchScript(["sh", "-s"], {}, "nul\0byte")).toBeUndefined();
    expect(launchScript(["true"], { A: "x".repeat(20_000) })).toBeUndefined();
    expect(launchScript([], {})).toBeUndefined();
  });

  it("leaves out the variables Sluice sets itself", () => {
    expect(launchScript(["true"], { PATH: "/evil", HOME: "/root" })).not.toContain("/evil");
  });
});

describe("a sandbox's stream, cut into its steps' outputs", () => {
  const collect = (out: NodeJS.ReadableStream) => {
    const seen: string[] = [];
    out.on("data", (chunk: Buffer) => seen.push(chunk.toString()));
    return seen;
  };

  it("passes output on as it comes, holding back only what may begin the nonce, and ends at the nonce", () => {
    let ended = 0;
    const stream = new StepOutput(() => (ended += 1));
    const seen = collect(stream.begin("n0nce"));
    stream.receive(Buffer.from("started\n"));
    stream.receive(Buffer.from("almost n0n"));
    stream.receive(Buffer.from("e, then n0"));
    expect(seen.join("")).toBe("started\nalmost n0ne, then ");
    stream.receive(Buffer.from("nce and what a killed process wrote after it"));
    expect(seen.join("")).toBe("started\nalmost n0ne, then ");
    expect(ended).toBe(1);
    stream.receive(Buffer.from("between steps"));
    const next = collect(stream.begin("other"));
    stream.receive(Buffer.from("second"));
    stream.end();
    expect(next.join("")).toBe("second");
    expect(ended).toBe(2);
  });
});

describe.runIf(sandboxMode() === "bwrap")("a warm sandbox", () => {
  let stop: () => void;
  beforeAll(() => {
    stop = keepSandboxesWarm(2);
  });
  afterAll(() => stop());

  /** the warm sandbox for `argv` and `key` (the keeper starts new ones in the background) */
  const take = async (argv: string[], more: Partial<WarmStep> = {}) => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const warm = takeWarmSandbox({ argv, env: {}, outputPaths: [], key: "test", ...more });
      if (warm) return warm;
    }
    throw new Error("no warm sandbox was ready within 10 s");
  };

  /** runs `argv` in a warm sandbox, then releases it */
  const run = async (argv: string[], more: Partial<WarmStep> = {}) => {
    const warm = await take(argv, more);
    const child = warm.command.start();
    const result = await finish(child);
    warm.release();
    // release empties the directory before the sandbox waits again
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...result, dir: warm.dir, child };
  };

  it("runs the step's command with exactly its environment", async () => {
    expect(await run(["sh", "-c", 'printf %s "$A"'], { env: { A: tricky } })).toMatchObject({ code: 0, stdout: tricky, stderr: "" });
    const env = await run(["env"], { env: { INPUT_X: "1", PATH: "/not/this" } });
    expect(env.stdout.split("\n").filter(Boolean).sort()).toEqual(["HOME=/work", "INPUT_X=1", "PATH=/usr/local/bin:/usr/bin:/bin", "TMPDIR=/tmp"]);
  });

  it("leaves the step no descriptor of the sandbox's control socket", async () => {
    const { stdout } = await run(["sh", "-c", "ls /proc/$$/fd"]);
    expect(stdout.split("\n")).toEqual(expect.arrayContaining(["0", "1", "2"]));
    expect(stdout.split("\n")).not.toContain("3");
  });

  it("passes standard input and the exit code through", async () => {
    expect(await run(["sh", "-c", "read line; echo got $line; exit 7"], { stdin: "hello\n" })).toMatchObject({ code: 7, stdout: "got hello\n", stderr: "" });
    expect(await run(["cat"])).toMatchObject({ code: 0, stdout: "" });
  });

  it("cuts each step's output where it ends, however long and however it ends", async () => {
    const long = await run(["sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done; printf 'no newline' >&2"]);
    expect(long.stdout.split("\n")).toHaveLength(20_001);
    expect(long.stdout.endsWith("line 19999\n")).toBe(true);
    expect(long.stderr).toBe("no newline");
    expect(await run(["true"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("shows a step's output while it runs", async () => {
    const warm = await take(["sh", "-c", "echo started; sleep 30"]);
    const child = warm.command.start();
    const ended = finish(child);
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    child.kill("SIGKILL");
    expect((await ended).stdout).toBe("started\n");
    warm.release();
  });

  it("runs the next step of the same key in the same sandbox, emptied, with nothing of the last one left running", async () => {
    const first = await run(["sh", "-c", "echo x > /tmp/a; echo y > /work/b; echo z > /dev/shm/c; sleep 30 & echo $!"]);
    const second = await run(["sh", "-c", `ls -A /tmp /work /dev/shm; test -d /proc/${first.stdout.trim()} && echo alive; true`]);
    expect(second.dir).toEqual(first.dir);
    expect(second.stdout).toBe("/dev/shm:\n\n/tmp:\n\n/work:\n");
    expect(await run(["sh", "-c", "touch /x || touch /dev/x || touch /etc/x || echo read-only"])).toMatchObject({ stdout: "read-only\n" });
  });

  it("is not used again after a step that left System V IPC objects behind", async () => {
    const first = await run(["ipcmk", "-M", "1024"], { key: "ipc" });
    expect(first.stdout).toContain("Shared memory id");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(first.dir.root)).toBe(false);
    expect((await run(["true"], { key: "ipc" })).dir.root).not.toEqual(first.dir.root);
  });

  it("does not share a sandbox between keys", async () => {
    const mine = await run(["true"], { key: "mine" });
    const theirs = await run(["true"], { key: "theirs" });
    expect(theirs.dir.root).not.toEqual(mine.dir.root);
    expect((await run(["true"], { key: "mine" })).dir).toEqual(mine.dir);
  });

  it("outlives a step that signals its process group", async () => {
    const first = await run(["sh", "-c", "kill 0; sleep 1"]);
    expect(first.code).not.toBe(0);
    expect((await run(["echo", "still here"])).dir).toEqual(first.dir);
  });

  it("stops when its step is killed, and is not used again", async () => {
    const warm = await take(["sleep", "30"], { key: "killed" });
    const child = warm.command.start();
    const ended = finish(child);
    setTimeout(() => child.kill("SIGKILL"), 100);
    const started = Date.now();
    await ended;
    expect(child.signalCode ?? child.exitCode).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(5_000);
    writeFileSync(path.join(warm.dir.work, "left"), "");
    warm.release();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(warm.dir.root)).toBe(false);
    expect((await run(["true"], { key: "killed" })).dir.root).not.toEqual(warm.dir.root);
  });

  it("is not used for a step whose outputs need their own mount, or a command the script cannot carry", async () => {
    await run(["true"]);
    expect(takeWarmSandbox({ argv: ["true"], env: {}, outputPaths: ["/mnt/out/result.txt"], key: "test" })).toBeUndefined();
    expect(takeWarmSandbox({ argv: ["true"], env: { "a-b": "1" }, outputPaths: [], key: "test" })).toBeUndefined();
  });
});
