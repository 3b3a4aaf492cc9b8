/**
 * `npm run bench:builder`: how fast the workflow builder opens 100-, 500- and 1,000-step workflows
 * (navigation → nodes rendered and a click selects a node, shown in the inspector) and the frame rate
 * while panning the 1,000-step one, in headless Chromium against the production server on loopback.
 * Targets on the 2-core machine: 1,000 steps open in ≤ 1.5 s and pan at ≥ 50 fps. Absolute times
 * differ by machine; what does not much is how 1,000 steps compare with 100 on the same run
 * (ratio_1000_100 = tti_ms_1000 / tti_ms_100, target ≤ 1.5).
 *
 * By default it builds if needed, seeds a fresh embedded database (scripts/sluice.mjs) and starts the
 * server itself. To use a running server instead set BENCH_URL, BENCH_EMAIL, BENCH_PASSWORD,
 * BENCH_CLIENT_ID and BENCH_CLIENT_SECRET (a client with the workflows:write scope), and optionally
 * BENCH_WORKSPACE (a workspace id or name; default: the first one).
 * The last line printed is one JSON object with the figures.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright";
import type { Step, WorkflowSpec } from "@/lib/workflows/model";
import { ensureBuild, root } from "../lib.mjs";
import { benchDataDir, startServer } from "../bench-lib/server";

const SIZES = [100, 500, 1000] as const;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAN_SECONDS = 3;
const ADMIN_EMAIL = "admin@demo.local";
const ADMIN_PASSWORD = "bench-Admin-Passw0rd";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

type Target = { url: string; email: string; password: string; clientId: string; clientSecret: string; workspace?: string; stop?: () => void };

/** A workflow shaped like real ones: 8 parallel lanes, each step reading the previous step of its lane, with cross-lane control edges. */
export function benchSpec(steps: number): WorkflowSpec {
  const lanes = 8;
  const list: Step[] = [];
  for (let i = 0; i < steps; i++) {
    const name = `step-${String(i).padStart(4, "0")}`;
    const previous = i >= lanes ? `step-${String(i - lanes).padStart(4, "0")}` : undefined;
    const cross = i >= lanes + 1 && i % 5 === 0 ? `step-${String(i - lanes - 1).padStart(4, "0")}` : undefined;
    list.push({
      name,
      kind: "container",
      label: `Stage ${Math.floor(i / lanes)} lane ${i % lanes}`,
      container: { image: "alpine:3.20", command: ["sh", "-c"], args: ["echo {{inputs.text}}"], env: [] },
      inputs: [{ name: "text", type: "string", required: true, value: previous ? { from: "step", step: previous, output: "out" } : { from: "literal", value: "start" } }],
      outputs: [{ name: "out", type: "string", source: { from: "stdout" } }],
      dependsOn: cross && cross !== previous ? [cross] : [],
      continueOnFailure: false,
    });
  }
  return { description: `Benchmark workflow with ${steps} steps`, labels: { bench: "builder" }, inputs: [], outputs: [], steps: list };
}

async function api<T>(target: Target, token: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${target.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function cli(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "sluice.mjs"), ...args], { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`sluice ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** A fresh embedded database, seeded, with an API client, and `next start` on a free port. */
async function startOwnServer(): Promise<Target> {
  benchDataDir();
  ensureBuild();
  const env = { ...process.env, SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: "warn" };
  cli(["seed"], env);
  const created = JSON.parse(cli(["client", "create", "--tenant", "demo", "--name", `bench-builder-${Date.now().toString(36)}`, "--scope", "workspaces:read", "--scope", "workflows:read", "--scope", "workflows:write", "--role", "sluice-admin"], env)) as {
    client_id: string;
    client_secret: string;
  };
  const server = await startServer();
  return { url: server.url, email: ADMIN_EMAIL, password: ADMIN_PASSWORD, clientId: created.client_id, clientSecret: created.client_secret, stop: server.stop };
}

function reuseServer(): Target | undefined {
  const { BENCH_URL, BENCH_EMAIL, BENCH_PASSWORD, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_WORKSPACE } = process.env;
  if (!BENCH_URL) return undefined;
  if (!BENCH_EMAIL || !BENCH_PASSWORD || !BENCH_CLIENT_ID || !BENCH_CLIENT_SECRET) throw new Error("BENCH_URL needs BENCH_EMAIL, BENCH_PASSWORD, BENCH_CLIENT_ID and BENCH_CLIENT_SECRET");
  return { url: BENCH_URL.replace(/\/$/, ""), email: BENCH_EMAIL, password: BENCH_PASSWORD, clientId: BENCH_CLIENT_ID, clientSecret: BENCH_CLIENT_SECRET, workspace: BENCH_WORKSPACE };
}

async function createWorkflows(target: Target): Promise<{ workspaceId: string; names: Map<number, string> }> {
  const token = await fetch(`${target.url}/api/v1/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: target.clientId, client_secret: target.clientSecret }),
  }).then(async (response) => {
    if (!response.ok) throw new Error(`token request answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  });
  const workspaces = await api<{ items: { id: string; name: string }[] }>(target, token, "GET", "/workspaces?limit=100");
  const workspace = target.workspace ? workspaces.items.find((w) => w.id === target.workspace || w.name === target.workspace) : workspaces.items[0];
  if (!workspace) throw new Error(`no workspace ${target.workspace ?? ""} visible to the client`);
  const run = Date.now().toString(36);
  const names = new Map<number, string>();
  for (const size of SIZES) {
    const name = `bench-${size}-${run}`;
    const started = performance.now();
    await api(target, token, "POST", `/workspaces/${encodeURIComponent(workspace.id)}/workflows`, { name, spec: benchSpec(size), message: "benchmark" });
    console.log(`created ${name} (${size} steps) in ${Math.round(performance.now() - started)} ms`);
    names.set(size, name);
  }
  return { workspaceId: workspace.id, names };
}

async function signIn(page: Page, target: Target) {
  await page.goto(`${target.url}/sign-in`);
  await page.locator("#email").fill(target.email);
  await page.locator("#password").fill(target.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), { timeout: 30_000 });
}

/** Milliseconds from navigation start until the canvas shows nodes and a click on one selects it. */
async function timeToInteractive(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(".react-flow__node").first().waitFor({ state: "visible", timeout: 30_000 });
  // a node fully inside the visible pane (others may sit under the palette or the minimap)
  const id = await page.waitForFunction(() => {
    const pane = document.querySelector(".react-flow__pane")?.getBoundingClientRect();
    if (!pane) return undefined;
    for (const node of document.querySelectorAll<HTMLElement>(".react-flow__node")) {
      const box = node.getBoundingClientRect();
      const x = box.left + Math.min(40, box.width / 2);
      const y = box.top + Math.min(12, box.height / 2);
      if (box.width > 0 && x > pane.left && y > pane.top && x < pane.right - 220 && y < pane.bottom - 160 && node.contains(document.elementFromPoint(x, y))) return node.dataset.id;
    }
    return undefined;
  }, undefined, { timeout: 30_000 });
  const name = (await id.jsonValue()) as string;
  await page.locator(`.react-flow__node[data-id="${name}"]`).click({ position: { x: 40, y: 12 } });
  await page.locator(`[data-testid="step-inspector"][data-step="${name}"]`).waitFor({ timeout: 30_000 });
  return Math.round(await page.evaluate(() => performance.now()));
}

/** A point on the empty pane (not on a node, edge or panel) to start a pan drag from. */
async function panePoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane");
    if (!pane) return undefined;
    const rect = pane.getBoundingClientRect();
    for (let fy = 0.5; fy < 0.95; fy += 0.05) {
      for (let fx = 0.5; fx < 0.95; fx += 0.03) {
        for (const sx of [1, -1]) {
          const x = rect.left + rect.width * (sx > 0 ? fx : 1 - fx);
          const y = rect.top + rect.height * fy;
          if (document.elementFromPoint(x, y)?.classList.contains("react-flow__pane")) return { x, y };
        }
      }
    }
    return { x: rect.left + 10, y: rect.top + 10 };
  });
  if (!point) throw new Error("no React Flow pane on the page");
  return point;
}

/** Frames per second (requestAnimationFrame callbacks) while dragging the pane back and forth for ~3 s. */
async function panFps(page: Page): Promise<number> {
  const start = await panePoint(page);
  // a string, not a function: tsx would wrap named inner functions in a helper the page does not have
  await page.evaluate(`(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => {
      if (!window.__counting) return;
      window.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const began = Date.now();
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  let t = 0;
  while (Date.now() - began < PAN_SECONDS * 1000) {
    t += 1;
    // a slow figure-eight of ±300 px: the viewport keeps moving over new parts of the graph
    const x = start.x + Math.sin(t / 20) * 300;
    const y = start.y + Math.sin(t / 10) * 150;
    await page.mouse.move(x, y, { steps: 2 });
  }
  await page.mouse.up();
  const elapsed = (Date.now() - began) / 1000;
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  return Math.round((frames / elapsed) * 10) / 10;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const target = reuseServer() ?? (await startOwnServer());
  let browser: Browser | undefined;
  try {
    const { workspaceId, names } = await createWorkflows(target);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, target);
    const editor = (size: number) => `${target.url}/workspaces/${encodeURIComponent(workspaceId)}/workflows/${encodeURIComponent(names.get(size) as string)}`;
    // warm-up: the first request of each route compiles and caches on the server
    await timeToInteractive(page, editor(SIZES[0]));

    const tti: Record<number, number> = {};
    for (const size of SIZES) {
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await timeToInteractive(page, editor(size)));
      tti[size] = median(runs);
      console.log(`${size} steps: open → interactive ${runs.join(", ")} ms (median ${tti[size]} ms)`);
    }
    const fpsRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      await timeToInteractive(page, editor(1000));
      fpsRuns.push(await panFps(page));
    }
    const fps = median(fpsRuns);
    console.log(`1000 steps: panning ${fpsRuns.join(", ")} fps (median ${fps})`);
    const ratio = Math.round((tti[1000] / tti[100]) * 100) / 100;
    console.log(`1000 steps open in ${ratio}× the time of 100 (target ≤ 1.5)`);
    console.log(JSON.stringify({ tti_ms_100: tti[100], tti_ms_500: tti[500], tti_ms_1000: tti[1000], fps_1000: fps, ratio_1000_100: ratio }));
  } finally {
    await browser?.close();
    target.stop?.();
  }
}

await main();
