import { expect, test as setup } from "@playwright/test";
import { ADMIN_STATE, E2E, signIn } from "./support";

// Signs the demo admin in once; the specs reuse the session (sign-in attempts are rate limited).
setup("sign in as the demo admin", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await expect(page).toHaveURL(/\/workspaces$/);
  await expect(page.getByRole("heading", { name: "Workspaces", level: 1 })).toBeVisible();
  await page.context().storageState({ path: ADMIN_STATE });
});
