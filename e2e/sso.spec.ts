import { expect, test, type Page } from "@playwright/test";
import { adminApi, E2E, OIDC_ACCOUNTS, shot, unique } from "./support";

// Two hidden workspaces admitted by role rules; the roles come from the OIDC provider's ID token.
const suffix = unique();
const DATA = `Data lake ${suffix}`;
const OPS = `Ops cockpit ${suffix}`;
const ids: Record<string, string> = {};

test.beforeAll(async ({ request }) => {
  const headers = await adminApi(request);
  for (const [name, role] of [[DATA, "data-team"], [OPS, "ops"]]) {
    const response = await request.post("/api/v1/workspaces", { headers, data: { name, description: `For the ${role} role`, hidden: true, accessRules: [[role]] } });
    expect(response.status(), await response.text()).toBe(201);
    ids[name] = ((await response.json()) as { id: string }).id;
  }
});

async function ssoSignIn(page: Page, username: keyof typeof OIDC_ACCOUNTS, password = OIDC_ACCOUNTS[username].password) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Single sign-on" }).click();
  await expect(page).toHaveURL(new RegExp(`^${E2E.oidcIssuer}/interaction/`));
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function row(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

test.describe("single sign-on through the local OpenID Connect provider", () => {
  test("the identity provider rejects a wrong password", async ({ page }) => {
    await ssoSignIn(page, "dana", "wrong-password");
    await expect(page.getByRole("alert")).toHaveText("Unknown username or wrong password.");
    await shot(page, "sso-provider-wrong-password");
  });

  test("roles data-team: sees the data-team workspace as editor, not the hidden ops one", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Continue with Single sign-on" }).click();
    await expect(page.getByLabel("Username")).toBeVisible();
    await shot(page, "sso-provider-login");
    await ssoSignIn(page, "dana");

    await expect(page).toHaveURL(new RegExp(`^${E2E.baseURL}/workspaces$`));
    await expect(page.getByTestId("current-user")).toHaveText(OIDC_ACCOUNTS.dana.name);
    await expect(row(page, DATA)).toBeVisible();
    await expect(row(page, DATA).getByText("editor", { exact: true })).toBeVisible();
    await expect(row(page, DATA).getByText("data-team", { exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: OPS })).toHaveCount(0);
    // Not an admin: no administration pages in the sidebar, and no "New workspace".
    await expect(page.getByRole("link", { name: "Machine clients" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "New workspace" })).toHaveCount(0);
    await shot(page, "sso-dana-workspaces");

    await row(page, DATA).getByRole("link", { name: DATA }).click();
    await expect(page.getByRole("heading", { name: DATA, level: 1 })).toBeVisible();
    await expect(page.getByText("Only workspace admins can change these.")).toBeVisible();
    await expect(page.getByLabel("Name")).toBeDisabled();
    await shot(page, "sso-dana-workspace-editor");

    // The hidden workspace she cannot enter does not exist for her.
    const response = await page.goto(`/workspaces/${ids[OPS]}`);
    expect(response?.status()).toBe(404);
    await shot(page, "sso-dana-hidden-workspace-404");
  });

  test("roles ops: sees the ops workspace, not the hidden data-team one", async ({ page }) => {
    await ssoSignIn(page, "oscar");
    await expect(page).toHaveURL(new RegExp(`^${E2E.baseURL}/workspaces$`));
    await expect(page.getByTestId("current-user")).toHaveText(OIDC_ACCOUNTS.oscar.name);
    await expect(row(page, OPS).getByText("editor", { exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: DATA })).toHaveCount(0);
    await shot(page, "sso-oscar-workspaces");
  });

  test("an account whose e-mail equals the seeded admin's signs in as itself and does not see the admin's workspaces", async ({ page }) => {
    await ssoSignIn(page, "mallory");
    await expect(page).toHaveURL(new RegExp(`^${E2E.baseURL}/workspaces$`));
    await expect(page.getByTestId("current-user")).toHaveText(OIDC_ACCOUNTS.mallory.name);
    await expect(page.getByRole("link", { name: DATA })).toHaveCount(0);
    await expect(page.getByRole("link", { name: OPS })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Machine clients" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "New workspace" })).toHaveCount(0);
    expect((await page.goto(`/workspaces/${ids[OPS]}`))?.status()).toBe(404);
    expect((await page.goto("/clients"))?.status()).toBe(404);
    await shot(page, "sso-lookalike-not-admin");
  });
});
