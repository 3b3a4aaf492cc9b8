import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeStepDir, sandboxMode, type StepProcess } from "./sandbox";
import { keepSandboxesWarm, launchScript, takeWarmSandbox } from "./warm-sandboxes";

function finish(child: StepProcess, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  if (stdin !== undefined) child.stdin!.end(stdin);
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

const tricky = "it's \"quoted\" $HOME `id` \\ and\nover two lines ";

describe("the script a warm sandbox runs", () => {
  it("single-quotes every word and counts its lines", () => {
    const script = launchScript(["sh", "-c", "echo 'x'"], { A: tricky })!;
    const [count, ...rest] = script.split("\n");
    expect(Number(count)).toBe(rest.length - 1);
    expect(script).toContain(`exec 'sh' '-c' 'echo '\\''x'\\'''`);
  });

  it("refuses what a shell script cannot carry, so the step starts a new sandbox", () => {
    expect(launchScript(["true"], { "not-a-name": "x" })).toBeUndefined();
    expect(launchScript(["true"], { A: "nul\0byte" })).toBeUndefined();
    expect(launchScript(["true"], { A: "x".repeat(20_000) })).toBeUndefined();
    expect(launchScript([], {})).toBeUndefined();
  });

  it("leaves out the variables Sluice sets itself", () => {
    expect(launchScript(["true"], { PATH: "/evil", HOME: "/root" })).not.toContain("/evil");
  });
});

describe.runIf(sandboxMode() === "bwrap")("a warm sandbox", () => {
  let stop: () => void;
  beforeAll(() => {
    stop = keepSandboxesWarm(2);
  });
  afterAll(() => stop());

  /** the next warm sandbox (the keeper starts them in the background) */
  const take = async (argv: string[], env: Record<string, string> = {}) => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const warm = takeWarmSandbox(argv, env, []);
      if (warm) return (setTimeout(() => removeStepDir(warm.dir), 5_000), warm);
    }
    throw new Error("no warm sandbox was ready within 10 s");
  };

  it("runs the step's command with exactly its environment", async () => {
    const value = await finish((await take(["sh", "-c", 'printf %s "$A"'], { A: tricky })).command.start(false));
    expect(value).toEqual({ code: 0, stdout: tricky, stderr: "" });
    const env = await finish((await take(["env"], { INPUT_X: "1", PATH: "/not/this" })).command.start(false));
    expect(env.stdout.split("\n").filter(Boolean).sort()).toEqual(["HOME=/work", "INPUT_X=1", "PATH=/usr/local/bin:/usr/bin:/bin", "TMPDIR=/tmp"]);
  });

  it("leaves the step no descriptor of the sandbox's control socket", async () => {
    const { stdout } = await finish((await take(["sh", "-c", "ls /proc/$$/fd"])).command.start(false));
    expect(stdout.split("\n")).toEqual(expect.arrayContaining(["0", "1", "2"]));
    expect(stdout.split("\n")).not.toContain("3");
  });

  it("passes standard input and the exit code through", async () => {
    const result = await finish((await take(["sh", "-c", "read line; echo got $line; exit 7"])).command.start(true), "hello\n");
    expect(result).toEqual({ code: 7, stdout: "got hello\n", stderr: "" });
  });

  it("stops when its step is killed", async () => {
    const child = (await take(["sleep", "30"])).command.start(false);
    const ended = finish(child);
    setTimeout(() => child.kill("SIGKILL"), 100);
    const started = Date.now();
    await ended;
    expect(child.signalCode ?? child.exitCode).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("is not used for a step whose outputs need their own mount, or a command the script cannot carry", async () => {
    await take(["true"]).then((warm) => warm.command.start(false));
    expect(takeWarmSandbox(["true"], {}, ["/mnt/out/result.txt"])).toBeUndefined();
    expect(takeWarmSandbox(["true"], { "a-b": "1" }, [])).toBeUndefined();
  });
});
