import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, clientToken, E2E, shot, sluice, unique } from "./support";

// The workflow page's Triggers tab: a schedule shows its next five fire times (and pauses and
// resumes); a webhook shows its URL and secret once with a curl example, which — run as it is shown
// — starts a run that appears in the runs list, linked back to the webhook.
test.use({ storageState: ADMIN_STATE, viewport: { width: 1440, height: 900 } });
test.describe.configure({ mode: "serial" });

const sh = promisify(execFile);
const suffix = unique();
const GREET = `greet-${suffix}`;
let workspaceId = "";

test.beforeAll(async ({ request }) => {
  const client = sluice<{ client_id: string; client_secret: string }>(
    "client", "create", "--tenant", "demo", "--name", `e2e triggers ${suffix}`, "--role", "sluice-admin",
    "--scope", "workspaces:write", "--scope", "workflows:write", "--scope", "runs:write",
  );
  const headers = { authorization: `Bearer ${(await clientToken(request, client.client_id, client.client_secret)).access_token}` };
  const created = await request.post("/api/v1/workspaces", { headers, data: { name: `Triggers ${suffix}`, description: "Triggers e2e" } });
  expect(created.status(), await created.text()).toBe(201);
  workspaceId = ((await created.json()) as { id: string }).id;
  const workflow = await request.post(`/api/v1/workspaces/${workspaceId}/workflows`, {
    headers,
    data: {
      name: GREET,
      spec: {
        inputs: [{ name: "who", type: "string", required: true }],
        steps: [{ name: "greet", kind: "container", container: { image: "busybox", command: ["sh", "-c", "echo hello {{inputs.who}}"], args: [], env: [] }, dependsOn: [] }],
      },
    },
  });
  expect(workflow.status(), await workflow.text()).toBe(201);
});

async function openTriggers(page: Page) {
  await page.goto(`/workspaces/${workspaceId}/workflows/${GREET}`);
  await page.getByRole("navigation", { name: "Workflow" }).getByRole("link", { name: "Triggers" }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${GREET}/triggers$`));
}

const WEEKDAY_MORNING = /^\d{4}-\d{2}-\d{2} 09:30$/;
const isWeekday = (text: string) => [1, 2, 3, 4, 5].includes(new Date(`${text.slice(0, 10)}T12:00:00Z`).getUTCDay());

test("add a schedule and see its next five fire times; pause, resume and edit it", async ({ page }) => {
  await openTriggers(page);
  await page.getByRole("button", { name: "New schedule" }).click();
  const dialog = page.getByRole("dialog", { name: "New schedule" });
  await dialog.getByLabel("Name").fill("weekday-mornings");
  await dialog.getByLabel("Cron").fill("30 9 * * 1-5");
  await dialog.getByLabel("Time zone").fill("Europe/Berlin");
  // the form shows the slots as it is typed
  const preview = dialog.getByTestId("schedule-preview");
  await expect(preview).toContainText("Europe/Berlin");
  await expect(preview.locator("li")).toHaveText(Array(5).fill(WEEKDAY_MORNING));
  await dialog.getByLabel("Cron").fill("30 9 * * 1-9");
  await expect(preview.locator(".text-danger")).toContainText("dayOfWeek");
  await dialog.getByLabel("Cron").fill("30 9 * * 1-5");
  await dialog.getByLabel("Inputs (JSON)").fill('{"who": "the schedule"}');
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("schedule-weekday-mornings");
  const times = row.getByTestId("next-fire-times").locator("li");
  await expect(times).toHaveCount(5);
  const shown = await times.allTextContents();
  for (const text of shown) {
    expect(text).toMatch(WEEKDAY_MORNING);
    expect(isWeekday(text), text).toBe(true);
  }
  expect([...shown].sort()).toEqual(shown);
  await expect(row).toContainText("Europe/Berlin");
  await shot(page, "triggers-schedule");

  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toContainText("paused");
  await expect(row).toContainText("none while paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(times).toHaveCount(5);

  await row.getByRole("button", { name: "Edit weekday-mornings" }).click();
  const edit = page.getByRole("dialog", { name: "Edit schedule weekday-mornings" });
  await edit.getByLabel("Cron").fill("0 12 * * *");
  await edit.getByRole("button", { name: "Save schedule" }).click();
  await expect(edit).toBeHidden();
  await expect(times.first()).toHaveText(/^\d{4}-\d{2}-\d{2} 12:00$/);
});

test("create a webhook, call it with the curl example, and watch the run appear", async ({ page }) => {
  await openTriggers(page);
  await page.getByRole("button", { name: "New webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "New webhook" });
  await dialog.getByLabel("Name").fill("ci");
  await dialog.getByRole("button", { name: "Create webhook" }).click();

  const issued = page.getByRole("dialog", { name: "Copy the secret now" });
  const url = (await issued.getByTestId("issued-webhook-url").textContent())!;
  expect(url).toMatch(new RegExp(`^${E2E.baseURL}/api/v1/hooks/[0-9a-f-]{36}$`));
  const secret = (await issued.getByTestId("issued-webhook-secret").textContent())!;
  expect(secret).toMatch(/^whsec_/);
  const example = (await issued.getByTestId("curl-example").textContent())!;
  expect(example).toContain("X-Hub-Signature-256");
  await shot(page, "triggers-webhook-secret");
  await issued.getByRole("button", { name: "Done" }).click();

  // the example as shown, with the body's placeholder value
  const { stdout } = await sh("sh", ["-c", example]);
  const runId = (JSON.parse(stdout) as { runId: string }).runId;
  expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  // the same body again is a replay; a wrong secret starts nothing
  expect(JSON.parse((await sh("sh", ["-c", example])).stdout)).toMatchObject({ status: 409, code: "replayed" });
  expect(JSON.parse((await sh("sh", ["-c", example.replace(secret, "whsec_wrong")])).stdout)).toMatchObject({ status: 401, code: "unauthorized" });

  await page.goto(`/workspaces/${workspaceId}/runs?trigger=webhook`);
  const run = page.locator(`[data-testid="run-row"][data-run="${runId}"]`);
  await expect(run).toBeVisible();
  await expect(run).toContainText("webhook ci");
  await expect(run).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await run.getByRole("link", { name: runId.slice(0, 8) }).click();
  const trigger = page.getByTestId("run-trigger");
  await expect(trigger).toHaveText("Started by webhook ci");
  await trigger.click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${GREET}/triggers#webhook-[0-9a-f-]{36}$`));
  await expect(page.getByTestId("webhook-ci")).toContainText(url);
  await shot(page, "triggers-webhook-called");
});
