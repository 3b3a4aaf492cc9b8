import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, E2E, shot, unique } from "./support";

// AWS here is the stand-in of scripts/e2e-server.mjs (e2e/aws/fake-aws.mjs): IAM and SSM on loopback.
test.use({ storageState: ADMIN_STATE });

type FakeAws = {
  roles: Record<string, { arn: string; tags: { Key: string; Value: string }[]; trust: unknown; policies: Record<string, { Statement: { Sid: string; Action: string[]; Resource: unknown; Condition?: unknown }[] }> }>;
  parameters: Record<string, { type: string; value: string }>;
};

async function fakeAws(page: Page): Promise<FakeAws> {
  const response = await page.request.get(`${E2E.awsURL}/__fake/state`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as FakeAws;
}

/** Waits until the page's pending tasks have all run. */
async function tasksDone(page: Page) {
  await expect(page.getByText("None: every change has been made.")).toBeVisible({ timeout: 30_000 });
}

test("create an app, grant it a bucket, watch the tasks complete; its parameter and secret are never shown back", async ({ page }) => {
  const suffix = unique();
  const name = `Sales ${suffix}`;
  const slug = `sales-${suffix}`;
  const role = `e2e_app_demo_${slug}`;

  // Create the app: its IAM role is a task the app's page follows.
  await page.goto("/apps");
  await expect(page.getByRole("heading", { name: "Apps", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "New app" }).click();
  const create = page.getByRole("dialog", { name: "New app" });
  await create.getByLabel("Name").fill(name);
  await create.getByLabel("Source repository (https)").fill("https://github.com/acme/sales");
  await create.getByLabel("Workspace").selectOption({ label: "demo" });
  await create.getByLabel("App admins (optional)").fill(E2E.adminEmail);
  await shot(page, "apps-new-dialog");
  await create.getByRole("button", { name: "Create app" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId("iam-role-name")).toHaveText(role);
  await tasksDone(page);
  await expect(page.getByTestId("iam-role-arn")).toHaveText(`arn:aws:iam::000000000000:role/sluice/${role}`);
  const appUrl = page.url();
  let aws = await fakeAws(page);
  expect(aws.roles[role].trust).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ["000000000000"] }, Action: "sts:AssumeRole" }] });
  expect(aws.roles[role].tags).toContainEqual({ Key: "sluice:tenant", Value: "demo" });
  expect(Object.keys(aws.roles[role].policies)).toEqual(["parameters"]);

  // Register a bucket, then grant it to the app below one prefix.
  const bucket = `e2e-demo-data-${suffix}`;
  await page.goto("/buckets");
  await page.getByRole("button", { name: "Register bucket" }).click();
  const register = page.getByRole("dialog", { name: "Register an S3 bucket" });
  await register.getByLabel("Name").fill(`data-${suffix}`);
  await register.getByLabel("Owner workspace").selectOption({ label: "demo" });
  await register.getByLabel("Data classification").selectOption("confidential");
  await register.getByRole("button", { name: "Register" }).click();
  await expect(page.getByRole("heading", { name: bucket, level: 1 })).toBeVisible();

  await page.goto(appUrl);
  await page.getByRole("button", { name: "Grant a bucket" }).click();
  const grant = page.getByRole("dialog", { name: "Grant a bucket to this app" });
  await grant.getByLabel("Bucket").selectOption({ label: bucket });
  await grant.getByLabel("Access").selectOption("readwrite");
  await grant.getByLabel("Limit to path prefixes (optional)").fill("raw/2024");
  await shot(page, "apps-grant-dialog");
  await grant.getByRole("button", { name: "Grant" }).click();
  await expect(grant).toBeHidden();
  const grants = page.getByRole("table", { name: "Bucket grants" });
  await expect(grants.getByRole("row").filter({ hasText: bucket })).toContainText("readwrite");
  await expect(grants).toContainText("raw/2024/");
  await tasksDone(page);
  aws = await fakeAws(page);
  const policy = aws.roles[role].policies[`bucket_${bucket}`];
  expect(policy.Statement.map((s) => s.Sid)).toEqual(["List", "ReadWrite"]);
  expect(policy.Statement[0].Condition).toEqual({ StringLike: { "s3:prefix": ["raw/2024/*"] } });
  expect(policy.Statement[1].Resource).toEqual([`arn:aws:s3:::${bucket}/raw/2024/*`]);
  await shot(page, "apps-detail");

  // A parameter goes to Parameter Store as a SecureString and is listed without its value.
  const parameterValue = `param-${suffix}-value`;
  await page.getByRole("button", { name: "Set parameter" }).click();
  const setParameter = page.getByRole("dialog", { name: "Set a parameter" });
  await setParameter.getByLabel("Name").fill("DB_PASSWORD");
  await expect(setParameter.getByLabel("Value", { exact: true })).toHaveAttribute("type", "password");
  await setParameter.getByLabel("Value", { exact: true }).fill(parameterValue);
  await setParameter.getByRole("button", { name: "Set", exact: true }).click();
  await expect(page.getByRole("table", { name: "Parameters" })).toContainText(`/e2e/demo/${slug}/DB_PASSWORD`);
  await tasksDone(page);
  expect((await fakeAws(page)).parameters[`/e2e/demo/${slug}/DB_PASSWORD`]).toMatchObject({ type: "SecureString", value: parameterValue });

  // An app secret: written, listed by name, and its value never comes back.
  const secretValue = `secret-${suffix}-value`;
  await page.getByRole("button", { name: "New secret" }).click();
  const newSecret = page.getByRole("dialog", { name: "New secret" });
  await newSecret.getByLabel("Name").fill("api-token");
  await expect(newSecret.getByLabel("Value", { exact: true })).toHaveAttribute("type", "password");
  await newSecret.getByLabel("Value", { exact: true }).fill(secretValue);
  await newSecret.getByRole("button", { name: "Create secret" }).click();
  await expect(newSecret).toBeHidden();
  await expect(page.getByRole("table", { name: "Secrets" })).toContainText("api-token");
  await page.reload();
  await expect(page.getByRole("table", { name: "Secrets" })).toContainText("api-token");
  const html = await page.content();
  expect(html).not.toContain(secretValue);
  expect(html).not.toContain(parameterValue);
  await page.getByRole("button", { name: "History of api-token" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  expect(await page.content()).not.toContain(secretValue);
  await shot(page, "apps-secrets");
  await page.keyboard.press("Escape");

  // The Tasks page lists what ran, each succeeded.
  await page.goto("/tasks");
  const tasks = page.getByRole("table", { name: "Tasks" });
  await expect(tasks.locator('tr[data-task-kind="app.create_role"][data-task-state="succeeded"]').first()).toBeVisible();
  await expect(tasks.locator('tr[data-task-kind="grant.sync"][data-task-state="succeeded"]').first()).toBeVisible();
  await shot(page, "tasks");
});
