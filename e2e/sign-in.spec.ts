import { expect, test } from "@playwright/test";
import { E2E, shot, signIn } from "./support";

test.describe("local sign-in", () => {
  test("an anonymous visitor is sent to the sign-in page", async ({ page }) => {
    await page.goto("/workspaces");
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByLabel("E-mail")).toBeVisible();
    await expect(page.getByRole("button", { name: "Continue with Single sign-on" })).toBeVisible();
    await shot(page, "sign-in");
  });

  test("a wrong password shows an error; the right one reaches Workspaces", async ({ page }) => {
    await signIn(page, E2E.adminEmail, "not-the-password");
    // (Next.js keeps an empty role=alert route announcer on every page, hence the filter.)
    await expect(page.getByRole("alert").filter({ hasText: "Wrong e-mail or password." })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
    await shot(page, "sign-in-wrong-password");

    // React resets the form after its action ran, so both fields are typed again.
    await page.getByLabel("E-mail").fill(E2E.adminEmail);
    await page.getByLabel("Password").fill(E2E.adminPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/workspaces$/);
    await expect(page.getByRole("heading", { name: "Workspaces", level: 1 })).toBeVisible();
    await expect(page.getByTestId("current-user")).toHaveText("Demo Admin");
    await expect(page.getByRole("link", { name: "demo", exact: true })).toBeVisible();
    await shot(page, "workspaces-admin");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/workspaces");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
