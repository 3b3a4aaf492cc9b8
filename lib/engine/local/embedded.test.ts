import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

/** The embedded database (Sluice's default) under the engine, whatever database the rest of the suite uses. */
it("runs a workflow on the embedded database: a diamond, a map two at a time, and a join", { timeout: 180_000 }, async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sluice-embedded-engine-"));
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_DATA_DIR: dataDir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  try {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/engine/testing/embedded-run.ts")], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.once("close", resolve));
    expect(code, stderr).toBe(0);
    const run = JSON.parse(stdout.trim().split("\n").at(-1)!) as { state: string; steps: { key: string; state: string; outputs: Record<string, unknown> | null }[] };
    expect(run.state, JSON.stringify(run)).toBe("succeeded");
    expect(run.steps.find((s) => s.key === "d")?.outputs).toEqual({ out: 'D-B-A-C ["1","4","9"]' });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
