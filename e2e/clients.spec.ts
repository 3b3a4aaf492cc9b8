import { expect, test } from "@playwright/test";
import { ADMIN_STATE, clientToken, E2E, shot, unique } from "./support";

test.use({ storageState: ADMIN_STATE, permissions: ["clipboard-read", "clipboard-write"] });

test("create a machine client, see its secret once, and call the API with it", async ({ page, playwright }) => {
  // API calls without the admin's browser session: only the client credentials count.
  const request = await playwright.request.newContext({ baseURL: E2E.baseURL, storageState: { cookies: [], origins: [] } });
  const name = `etl-job-${unique()}`;
  await page.goto("/clients");
  await expect(page.getByRole("heading", { name: "Machine clients", level: 1 })).toBeVisible();
  await shot(page, "clients");

  await page.getByRole("button", { name: "New client" }).click();
  const form = page.getByRole("dialog", { name: "New machine client" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("workspaces:read").check();
  await form.getByLabel("Roles (optional)").fill("data-team");
  await shot(page, "clients-new-dialog");
  await form.getByRole("button", { name: "Create client" }).click();

  const issued = page.getByRole("dialog", { name: "Copy the secret now" });
  await expect(issued).toBeVisible();
  await expect(issued.getByText("This is the only time the secret is shown")).toBeVisible();
  const clientId = (await issued.getByTestId("issued-client-id").textContent())!.trim();
  const clientSecret = (await issued.getByTestId("issued-client-secret").textContent())!.trim();
  expect(clientId).toMatch(/\S{8,}/);
  expect(clientSecret.length).toBeGreaterThanOrEqual(32);
  await expect(issued.getByRole("button", { name: "Copy id" })).toBeVisible();
  const copy = issued.getByRole("button", { name: "Copy secret" });
  await expect(copy).toBeVisible();
  await shot(page, "clients-secret-shown");
  await copy.click();
  await expect(copy).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(clientSecret);

  await issued.getByRole("button", { name: "Done" }).click();
  await expect(issued).toBeHidden();
  const row = page.getByRole("table", { name: "Machine clients" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(clientId);
  await expect(row).toContainText("workspaces:read");
  await expect(row).toContainText("never");
  // Shown once: neither the list nor a fresh load carries the secret.
  await expect(page.getByText(clientSecret)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("table", { name: "Machine clients" })).toContainText(clientId);
  expect(await page.content()).not.toContain(clientSecret);
  await shot(page, "clients-created");

  // The secret works against the token endpoint; the token lists workspaces.
  const wrong = await request.post("/api/v1/oauth/token", { form: { grant_type: "client_credentials", client_id: clientId, client_secret: "wrong-secret" } });
  expect(wrong.status()).toBe(401);
  const token = await clientToken(request, clientId, clientSecret);
  expect(token.scope).toBe("workspaces:read");
  const list = await request.get("/api/v1/workspaces", { headers: { authorization: `Bearer ${token.access_token}` } });
  expect(list.status(), await list.text()).toBe(200);
  const body = (await list.json()) as { items: { name: string; access: string }[] };
  expect(body.items.map((w) => w.name)).toContain("demo");
  // Without a token the API refuses.
  expect((await request.get("/api/v1/workspaces")).status()).toBe(401);
  // A read-only token cannot create.
  const denied = await request.post("/api/v1/workspaces", { headers: { authorization: `Bearer ${token.access_token}` }, data: { name: `nope-${unique()}` } });
  expect(denied.status()).toBe(403);

  await page.reload();
  await expect(row).not.toContainText("never");

  await page.goto("/audit?targetType=client");
  const event = page.getByRole("table", { name: "Audit events" }).getByRole("row").filter({ hasText: "client.create" }).filter({ hasText: name });
  await expect(event).toHaveCount(1);
  await expect(event).toContainText("Demo Admin");
  await shot(page, "audit-clients");
  await request.dispose();
});

test("the API reference page lists the endpoints", async ({ page }) => {
  await page.goto("/api-reference");
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  await expect(page.getByText("/api/v1/oauth/token").first()).toBeVisible();
  await expect(page.getByText("/api/v1/workspaces").first()).toBeVisible();
  await shot(page, "api-reference");
});
