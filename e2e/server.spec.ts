import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { databaseEnv } from "./env";
import { adminApi, ADMIN_STATE, root } from "./support";

function expectSecurityHeaders(headers: Record<string, string>, page: boolean) {
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  if (page) expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
}

test.describe("security headers on every page and API answer", () => {
  test.use({ storageState: ADMIN_STATE });

  test("pages carry a fresh script nonce, and their scripts run under it", async ({ page }) => {
    const first = await page.goto("/workspaces");
    const headers = first!.headers();
    expectSecurityHeaders(headers, true);
    const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"])![1];
    expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
    // hydrated: client-side interaction works under the policy
    await page.getByRole("button", { name: "New workspace" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    const second = await page.goto("/workspaces");
    expect(/'nonce-([^']+)'/.exec(second!.headers()["content-security-policy"])![1]).not.toBe(nonce);
  });

  test("API answers through Next (session) and through the direct path (token)", async ({ page, request }) => {
    const viaNext = await page.request.get("/api/v1/workspaces");
    expect(viaNext.status()).toBe(200);
    expectSecurityHeaders(viaNext.headers(), false);
    const viaDirect = await request.get("/api/v1/workspaces", { headers: await adminApi(request) });
    expect(viaDirect.status()).toBe(200);
    expectSecurityHeaders(viaDirect.headers(), false);
    const problem = await request.get("/api/v1/workspaces/%ZZ", { headers: await adminApi(request) });
    expect(problem.status()).toBe(400);
    expectSecurityHeaders(problem.headers(), false);
    expectSecurityHeaders((await request.get("/api/health/live")).headers(), false);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A second production server on the e2e database, with its output collected. */
function serve(port: number) {
  const child = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs")], {
    cwd: root,
    env: { ...databaseEnv(), NODE_ENV: "production", PORT: String(port), SLUICE_WORKERS: "2", SLUICE_ENGINE_WORKER: "0", LOG_LEVEL: "warn", NEXTAUTH_URL: `http://localhost:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const workerPids = (child: ChildProcess) =>
  execFileSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);

test.describe("the production server's workers", () => {
  test.describe.configure({ timeout: 180_000 });

  test("a crashed worker is restarted with backoff and the server keeps answering", async () => {
    const port = await freePort();
    const server = serve(port);
    try {
      // both workers listen: killing one leaves the other answering
      await expect.poll(() => server.output(), { timeout: 90_000 }).toContain(`Sluice listening on http://localhost:${port} (2 workers)`);
      expect(workerPids(server.child)).toHaveLength(2);
      const [victim, survivor] = workerPids(server.child);
      process.kill(victim, "SIGKILL");
      await expect.poll(() => server.output(), { timeout: 10_000 }).toMatch(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another`));
      expect((await fetch(`http://localhost:${port}/api/health/live`)).status).toBe(200);
      await expect.poll(() => workerPids(server.child).filter((pid) => pid !== survivor && pid !== victim).length, { timeout: 60_000 }).toBe(1);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  test("when every worker fails at its first start, the server stops with a message", async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, () => resolve((blocker.address() as net.AddressInfo).port)));
    const server = serve(port);
    try {
      expect(await Promise.race([server.exited, new Promise((r) => setTimeout(() => r("still running"), 120_000))])).toBe(1);
      expect(server.output()).toMatch(/every worker failed at start/);
    } finally {
      server.child.kill("SIGKILL");
      blocker.close();
    }
  });
});

test("start refuses an external issuer without an audience, in one line", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs")], {
    cwd: root,
    env: { ...databaseEnv(), NODE_ENV: "production", PORT: String(port), AUTH_JWT_ISSUER: "https://idp.example", AUTH_JWT_JWKS_URL: "https://idp.example/jwks" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(1);
  expect(stderr.trim()).toMatch(/^Sluice cannot start: AUTH_JWT_ISSUER is set but AUTH_JWT_AUDIENCE is not/);
});
