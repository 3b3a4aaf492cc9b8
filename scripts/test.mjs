// `npm test`: the whole suite. Installs dependencies when missing, runs vitest (unit + integration;
// TEST_DATABASE_URL passes through), builds the app and runs the Playwright browser suite against a
// real OpenID Connect provider. Browser tests are never skipped: without a Chromium this fails.
// The last line of output is always `N passed, N failed` (totals over both runners).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureDependencies, root } from "./lib.mjs";

const totals = { passed: 0, failed: 0 };
const problems = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), "sluice-test-"));

function step(title) {
  console.log(`\n━━ ${title}`);
}

function finish() {
  rmSync(tmp, { recursive: true, force: true });
  console.log("");
  for (const problem of problems) console.log(`✗ ${problem}`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(problems.length > 0 || totals.failed > 0 ? 1 : 0);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own download; undefined when none exists. */
async function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
    console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.`);
    return undefined;
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  try {
    const { chromium } = await import("playwright-core");
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core not loadable: no bundled browser either
  }
  return undefined;
}

const NO_CHROMIUM = [
  "No Chromium found for the browser (end-to-end) tests; they are required, not optional. Install one:",
  "  Debian/Ubuntu:   apt-get update && apt-get install -y chromium     (provides /usr/bin/chromium)",
  "  or Playwright's: npx playwright install --with-deps chromium",
  "  or set CHROMIUM_PATH to a Chromium or Chrome binary.",
].join("\n");

async function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

async function pickPort(preferred) {
  if (await portIsFree(preferred)) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "0.0.0.0", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const node = (args, env = process.env) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env }).status ?? 1;

// 1. Dependencies and a browser.
step("Dependencies");
ensureDependencies();
const chromiumPath = await findChromium();
if (chromiumPath) console.log(`Chromium: ${chromiumPath}`);
else console.error(`\n${NO_CHROMIUM}\n`);

// 2. Unit and integration tests.
step(`Unit and integration tests (vitest; database: ${process.env.TEST_DATABASE_URL ? "TEST_DATABASE_URL" : "embedded, in memory"})`);
const vitestJson = path.join(tmp, "vitest.json");
const vitestStatus = node([path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0;
  totals.failed += vitest.numFailedTests ?? 0;
  const brokenFiles = (vitest.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).every((a) => a.status !== "failed"));
  for (const file of brokenFiles) {
    totals.failed += 1;
    problems.push(`vitest: ${path.relative(root, file.name)} failed to run: ${String(file.message ?? "").split("\n")[0]}`);
  }
}
if (vitestStatus !== 0 && (!vitest || (vitest.numFailedTests ?? 0) === 0) && !problems.some((p) => p.startsWith("vitest"))) {
  totals.failed += 1;
  problems.push(`vitest exited with ${vitestStatus} without reporting a failed test`);
} else if (vitestStatus !== 0) {
  problems.push("vitest: some tests failed");
}

// 3. Browser tests: build, then Playwright (its web server starts the OIDC provider and Sluice).
if (!chromiumPath) {
  totals.failed += 1;
  problems.push(`browser tests not run: no Chromium.\n${NO_CHROMIUM}`);
  finish();
}

step("Build");
const buildStatus = node(["--input-type=module", "-e", `import { ensureBuild } from ${JSON.stringify(path.join(root, "scripts", "lib.mjs"))}; ensureBuild();`]);
if (buildStatus !== 0) {
  totals.failed += 1;
  problems.push("next build failed; browser tests not run");
  finish();
}

step("Browser tests (Playwright)");
const playwrightJson = path.join(tmp, "playwright.json");
const e2eEnv = {
  ...process.env,
  CHROMIUM_PATH: chromiumPath,
  E2E_PORT: process.env.E2E_PORT || String(await pickPort(3210)),
  E2E_OIDC_PORT: process.env.E2E_OIDC_PORT || String(await pickPort(3211)),
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
  PLAYWRIGHT_HTML_OPEN: "never",
};
const playwrightStatus = node([path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test", "--reporter=list,json"], e2eEnv);
const stats = readJson(playwrightJson)?.stats;
if (stats) {
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  totals.failed += stats.unexpected ?? 0;
  if (stats.flaky) console.log(`(${stats.flaky} browser test(s) passed only on retry)`);
  if (stats.skipped) console.log(`NOTE: ${stats.skipped} browser test(s) were skipped`);
}
if (playwrightStatus !== 0) {
  if (!stats || (stats.unexpected ?? 0) === 0) {
    totals.failed += 1;
    problems.push(`playwright exited with ${playwrightStatus} without reporting a failed test (web server or configuration error?)`);
  } else {
    problems.push("playwright: some browser tests failed");
  }
}
finish();
