// Azurite (Microsoft's Azure Storage emulator, the `azurite` npm package) for tests and the e2e server:
// its blob service on loopback, on a free port, with its data in a fresh temporary directory. Azure
// itself was never reached by Sluice's tests; this is what they ran against.
//
// It runs in a child process that exits when this process goes away (its stdin, a pipe from us, closes),
// so a test worker killed mid-run leaves no emulator behind.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

/** Azurite's well-known development account. */
export const DEV_ACCOUNT = "devstoreaccount1";
export const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
/** Further accounts (one organization per storage account), all with the development key. */
export const EXTRA_ACCOUNTS = ["sluiceorga", "sluiceorgb", "sluiceorgc", "sluiceorgd"];

const LISTENING = /successfully listens on (http:\/\/\S+)\s/;

// Runs Azurite's blob entry point after arranging that the end of stdin ends the process; its option
// parser skips argv[1], which after `-e` is the first argument, so a script name goes there.
const CHILD = `process.stdin.on("end", () => process.exit(0)).resume(); require(process.env.AZURITE_BLOB_MAIN);`;

/**
 * Starts the blob service on `port` (default: a free one). Answers the service origin (e.g.
 * http://127.0.0.1:41234), the accounts' blob endpoints (path-style: `<origin>/<account>`), and `stop()`.
 * @param {{ port?: number }} [options]
 * @returns {Promise<{ origin: string, key: string, endpoint: (account: string) => string, accounts: string[], stop: () => Promise<void> }>}
 */
export async function startAzurite({ port = 0 } = {}) {
  const require = createRequire(import.meta.url);
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const location = mkdtempSync(path.join(os.tmpdir(), "sluice-azurite-"));
  const args = ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", location, "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose"];
  // Custom accounts replace the development account unless it is listed too.
  const accounts = [DEV_ACCOUNT, ...EXTRA_ACCOUNTS];
  const child = spawn(process.execPath, ["-e", CHILD, "--", "azurite-blob", ...args], {
    env: { ...process.env, AZURITE_BLOB_MAIN: main, AZURITE_ACCOUNTS: accounts.map((name) => `${name}:${DEV_KEY}`).join(";") },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const origin = await new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk.toString();
      const found = LISTENING.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1].replace(/\/$/, ""));
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`Azurite exited (${code}) before listening:\n${output}`))));
  });
  child.stdout.resume();
  child.stderr.resume();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(location, { recursive: true, force: true });
  };
  return { origin, key: DEV_KEY, endpoint: (account) => `${origin}/${account}`, accounts, stop };
}
