import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMasterKey, masterKeyProblem } from "./master-key";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "sluice-master-key-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keyFile = () => path.join(dir, "data", "master.key");
const env = (extra: Record<string, string> = {}): Record<string, string> => ({ SLUICE_DATA_DIR: path.join(dir, "data"), ...extra });

/** Starts `count` processes, lets them all load the master key at once, and returns what each loaded. */
async function raceFirstStarts(count: number): Promise<string[]> {
  const module = path.join(import.meta.dirname, "master-key.ts");
  const script = `const { loadMasterKey } = await import(${JSON.stringify(module)});
process.stdout.write("ready\\n");
process.stdin.once("data", () => (process.stdout.write(loadMasterKey().toString("hex")), process.exit(0)));`;
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, ...env(), SLUICE_MASTER_KEY: "" } });
    let out = "";
    let err = "";
    const ready = new Promise<void>((resolve) => child.stdout.on("data", (chunk) => ((out += chunk), out.startsWith("ready\n") && resolve())));
    child.stderr.on("data", (chunk) => (err += chunk));
    const exited = new Promise<string>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(out.slice("ready\n".length)) : reject(new Error(err)))));
    return { child, ready, exited };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.stdin.write("go\n");
  return Promise.all(children.map((c) => c.exited));
}

describe("master key", () => {
  it("is created at first start in the data directory, readable by the owner only, and reused", () => {
    const first = loadMasterKey(env());
    expect(first).toHaveLength(32);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    const written = readFileSync(keyFile(), "utf8");
    expect(loadMasterKey(env()).equals(first)).toBe(true);
    expect(readFileSync(keyFile(), "utf8")).toBe(written);
    expect(readdirSync(path.dirname(keyFile()))).toEqual(["master.key"]);
  });

  it("comes from SLUICE_MASTER_KEY when set, as hex or base64, and then no file is written", () => {
    const hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    expect(loadMasterKey(env({ SLUICE_MASTER_KEY: hex })).toString("hex")).toBe(hex);
    const base64 = Buffer.from(hex, "hex").toString("base64");
    expect(loadMasterKey(env({ SLUICE_MASTER_KEY: base64 })).toString("hex")).toBe(hex);
    expect(loadMasterKey(env({ SLUICE_MASTER_KEY: Buffer.from(hex, "hex").toString("base64url") })).toString("hex")).toBe(hex);
    expect(() => statSync(keyFile())).toThrow(/ENOENT/);
  });

  it.each([
    ["a passphrase", "correct horse battery staple"],
    ["31 bytes of hex", "00112233445566778899aabbccddeeff00112233445566778899aabbccddee"],
    ["16 bytes of base64", Buffer.alloc(16, 7).toString("base64")],
    ["48 bytes of base64", Buffer.alloc(48, 7).toString("base64")],
    ["64 characters that are not hex", "g".repeat(64)],
  ])("rejects %s in SLUICE_MASTER_KEY with one clear line", (_, value) => {
    expect(() => loadMasterKey(env({ SLUICE_MASTER_KEY: value }))).toThrow(/^SLUICE_MASTER_KEY must be 32 random bytes as 64 hex characters or base64/);
    expect(masterKeyProblem({ SLUICE_MASTER_KEY: value })).toMatch(/^SLUICE_MASTER_KEY must be .*\.$/);
  });

  it("finds nothing wrong with a valid or unset SLUICE_MASTER_KEY", () => {
    expect(masterKeyProblem({ SLUICE_MASTER_KEY: Buffer.alloc(32, 9).toString("base64") })).toBeUndefined();
    expect(masterKeyProblem({})).toBeUndefined();
  });

  it("refuses a damaged key file rather than replacing it", () => {
    loadMasterKey(env());
    writeFileSync(keyFile(), "not a key\n");
    expect(() => loadMasterKey(env())).toThrow(/master key file .*master\.key must be 32 random bytes/);
    expect(readFileSync(keyFile(), "utf8")).toBe("not a key\n");
  });

  it("ends with one key when several processes start at once", async () => {
    const keys = await raceFirstStarts(4);
    expect(new Set(keys).size).toBe(1);
    expect(Buffer.from(readFileSync(keyFile(), "utf8").trim(), "base64").toString("hex")).toBe(keys[0]);
    expect(readdirSync(path.dirname(keyFile()))).toEqual(["master.key"]);
  }, 60_000);
});
