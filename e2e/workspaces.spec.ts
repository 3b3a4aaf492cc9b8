import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, serverActionDone, shot, sluice, unique } from "./support";

test.use({ storageState: ADMIN_STATE });
test.describe.configure({ mode: "serial" });

const suffix = unique();
const NAME = `Analytics ${suffix}`;
const RENAMED = `Analytics renamed ${suffix}`;
const MEMBER = `member-${suffix}@example.com`;
let workspaceUrl = "";

function rulesOf(page: Page) {
  return page.getByTestId("rule-list");
}

test("create a workspace with the New workspace dialog", async ({ page }) => {
  await page.goto("/workspaces");
  await page.getByRole("button", { name: "New workspace" }).click();
  const dialog = page.getByRole("dialog", { name: "New workspace" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name").fill(NAME);
  await dialog.getByLabel("Description").fill("Dashboards and models");
  await dialog.getByLabel("New rule: roles separated by commas or spaces").fill("data-team");
  await dialog.getByRole("button", { name: "Add rule" }).click();
  await expect(dialog.getByTestId("rule-list")).toHaveText(/data-team/);
  await dialog.getByLabel("Hide from people who cannot enter").check();
  await shot(page, "workspace-new-dialog");
  await dialog.getByRole("button", { name: "Create workspace" }).click();

  await expect(page).toHaveURL(/\/workspaces\/[0-9a-f-]{36}$/);
  workspaceUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { name: NAME, level: 1 })).toBeVisible();
  await expect(page.getByText("hidden", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByLabel("Description")).toHaveValue("Dashboards and models");
  await shot(page, "workspace-created");

  await page.goto("/workspaces");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: NAME, exact: true }) });
  await expect(row.getByText("hidden", { exact: true })).toBeVisible();
  await expect(row.getByText("data-team", { exact: true })).toBeVisible();
  await expect(row.getByText("admin", { exact: true })).toBeVisible();
  await shot(page, "workspaces-with-new");
});

test("edit name, description and visibility", async ({ page }) => {
  await page.goto(workspaceUrl);
  await page.getByLabel("Name").fill(RENAMED);
  await page.getByLabel("Description").fill("Dashboards, models and reports");
  await page.getByLabel("Hide from people who cannot enter").uncheck();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(page.getByRole("heading", { name: RENAMED, level: 1 })).toBeVisible();
  await expect(page.getByText("hidden", { exact: true })).toHaveCount(0);
  await shot(page, "workspace-edited");

  // A name that breaks the rules is refused at the field.
  await page.getByLabel("Name").fill("!nope");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "starting with a letter or digit" }).first()).toBeVisible();
  await shot(page, "workspace-edit-invalid-name");

  await page.reload();
  await expect(page.getByLabel("Name")).toHaveValue(RENAMED);
  await expect(page.getByLabel("Description")).toHaveValue("Dashboards, models and reports");
  await expect(page.getByLabel("Hide from people who cannot enter")).not.toBeChecked();
  await page.getByRole("link", { name: "Workspaces", exact: true }).first().click();
  await expect(page.getByRole("link", { name: RENAMED, exact: true })).toBeVisible();
});

test("members: add by e-mail, change the role, remove", async ({ page }) => {
  sluice("user", "create", "--tenant", "demo", "--email", MEMBER, "--password", "member-Passw0rd", "--name", "Mia Member");
  await page.goto(workspaceUrl);
  await page.getByRole("link", { name: "Members & rules" }).click();
  await expect(page.getByRole("heading", { name: "Members", exact: true })).toBeVisible();
  await shot(page, "workspace-members-before");

  await page.getByLabel("Add a member").fill(MEMBER);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add member" }).click();
  const members = page.getByRole("table", { name: "Members" });
  const row = members.getByRole("row").filter({ hasText: MEMBER });
  await expect(row).toBeVisible();
  await expect(row.getByText("Mia Member")).toBeVisible();
  await expect(page.getByLabel(`Role of ${MEMBER}`)).toHaveValue("viewer");
  await shot(page, "workspace-member-added");

  const changed = serverActionDone(page);
  await page.getByLabel(`Role of ${MEMBER}`).selectOption("editor");
  expect((await changed).ok()).toBe(true);
  await expect(page.getByLabel(`Role of ${MEMBER}`)).toHaveValue("editor");
  await page.reload();
  await expect(page.getByLabel(`Role of ${MEMBER}`)).toHaveValue("editor");
  await shot(page, "workspace-member-editor");

  // Adding the same person again is refused with a message.
  await page.getByLabel("Add a member").fill(MEMBER);
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /already/i }).first()).toBeVisible();
  await shot(page, "workspace-member-duplicate");

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: `Remove ${MEMBER}` }).click();
  await expect(members.getByRole("row").filter({ hasText: MEMBER })).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(MEMBER)).toHaveCount(0);
  await shot(page, "workspace-member-removed");
});

test("access rules: add a rule, extend and trim it, save", async ({ page }) => {
  await page.goto(`${workspaceUrl}/access`);
  await expect(rulesOf(page)).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Save rules" })).toBeDisabled();

  await page.getByLabel("New rule: roles separated by commas or spaces").fill("finance, analyst");
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(rulesOf(page)).toHaveCount(2);
  await page.getByLabel("Add a role to rule 2").fill("auditor");
  await page.getByLabel("Add a role to rule 2").press("Enter");
  await expect(rulesOf(page).nth(1)).toContainText("auditor");
  await page.getByRole("button", { name: "Remove role analyst" }).click();
  await expect(rulesOf(page).nth(1)).not.toContainText("analyst");
  await shot(page, "workspace-rules-editing");

  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("status")).toHaveText("Rules saved.");
  await page.reload();
  await expect(rulesOf(page)).toHaveCount(2);
  await expect(rulesOf(page).nth(0)).toContainText("data-team");
  await expect(rulesOf(page).nth(1)).toContainText("finance");
  await expect(rulesOf(page).nth(1)).toContainText("auditor");
  await shot(page, "workspace-rules-saved");

  await page.getByRole("button", { name: "Remove rule 1" }).click();
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("status")).toHaveText("Rules saved.");
  await page.reload();
  await expect(rulesOf(page)).toHaveCount(1);
  await expect(rulesOf(page).first()).not.toContainText("data-team");
});

test("the audit log shows these changes", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await shot(page, "audit");

  await page.getByLabel("Action").fill("workspace.");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=workspace\./);
  const events = page.getByRole("table", { name: "Audit events" });
  const created = events.getByRole("row").filter({ hasText: "workspace.create" }).filter({ hasText: NAME });
  await expect(created).toHaveCount(1);
  await expect(created).toContainText("Demo Admin");
  await expect(events.getByRole("row").filter({ hasText: "workspace.update" }).filter({ hasText: RENAMED }).first()).toBeVisible();
  await expect(events.getByRole("row").filter({ hasText: "workspace.update" }).filter({ hasText: "auditor" }).first()).toBeVisible();
  await shot(page, "audit-workspaces");

  await page.getByLabel("Action").fill("member.");
  await page.getByRole("button", { name: "Filter" }).click();
  for (const action of ["member.add", "member.update", "member.remove"]) {
    await expect(events.getByRole("row").filter({ hasText: action }).first()).toBeVisible();
  }
  await expect(events.getByRole("row").filter({ hasText: "member.add" }).filter({ hasText: MEMBER })).toHaveCount(1);
  await shot(page, "audit-members");
});
