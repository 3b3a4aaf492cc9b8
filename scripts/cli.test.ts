import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "sluice-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The CLI on its own embedded database in a fresh data directory (never migrated before). */
function sluice(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_DATA_DIR: dataDir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  const result = spawnSync(process.execPath, [path.resolve("scripts/sluice.mjs"), ...args], { env, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("sluice CLI", () => {
  it("migrates a data directory that was never migrated, then runs the command", () => {
    const created = sluice("tenant", "create", "fresh-cli");
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ slug: "fresh-cli" });
  });

  it.each([
    [["tenant", "create", "fresh-cli"], /already exists/],
    [["user", "create", "--tenant", "no-such", "--email", "a@b.c", "--password", "longenough"], /tenant 'no-such'/],
    [["client", "create", "--tenant", "fresh-cli", "--name", "x", "--scope", "bogus"], /scopes/],
    [["tenant", "create", "x", "--no-such-flag"], /no-such-flag/],
  ])("prints every error as one line and exits non-zero: %s", (args, message) => {
    const result = sluice(...args);
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sluice: /);
    expect(lines[0]).toMatch(message);
  });
});
