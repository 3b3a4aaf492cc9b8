// Helpers shared by the specs: screenshots, the operator CLI against the e2e database, API tokens.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { databaseEnv, E2E } from "./env";

export { E2E };
export { OIDC_ACCOUNTS } from "./oidc/accounts.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "..");
export const SCREENSHOTS = path.join(here, "screenshots");
/** Browser state of the signed-in demo admin, written by auth.setup.ts. */
export const ADMIN_STATE = path.join(here, ".auth", "admin.json");

/** Saves a full-page screenshot of the current page as e2e/screenshots/<name>.png. */
export async function shot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForLoadState("load").catch(() => undefined);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, "-")}.png`), fullPage: true });
}

/** A suffix that keeps names unique across runs and parallel workers. */
export function unique() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Runs `sluice <args>` against the e2e database and returns its JSON output. */
export function sluice<T = Record<string, unknown>>(...args: string[]): T {
  const out = execFileSync(process.execPath, [path.join(root, "scripts", "sluice.mjs"), ...args], { cwd: root, env: databaseEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out) as T;
}

/** Waits for the response of the next server action the page calls (they POST with a Next-Action header). */
export function serverActionDone(page: Page) {
  return page.waitForResponse((r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"]));
}

/** Signs in with e-mail and password through the sign-in form. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Exchanges client credentials for a bearer token at /api/v1/oauth/token. */
export async function clientToken(request: APIRequestContext, clientId: string, clientSecret: string) {
  const response = await request.post("/api/v1/oauth/token", { form: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret } });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as { access_token: string; token_type: string; scope: string };
  expect(body.token_type).toBe("Bearer");
  return body;
}

/** A platform-admin machine client made with the CLI, for seeding through the API. */
export async function adminApi(request: APIRequestContext) {
  const created = sluice<{ client_id: string; client_secret: string }>(
    "client", "create", "--tenant", "demo", "--name", `e2e seeder ${unique()}`,
    "--scope", "workspaces:read", "--scope", "workspaces:write", "--role", "sluice-admin",
  );
  const { access_token } = await clientToken(request, created.client_id, created.client_secret);
  return { authorization: `Bearer ${access_token}` };
}
