import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { ADMIN_STATE, clientToken, shot, sluice, unique } from "./support";

// Runs in the browser on the embedded engine of the production server: a workflow built on the
// canvas runs from the editor's Run button and turns green live; a long run is cancelled (alone and in
// bulk); a failed run is retried from its failed step on a fixed version; mapped steps and groups.
test.use({ storageState: ADMIN_STATE, viewport: { width: 1440, height: 900 } });
test.describe.configure({ mode: "serial" });

const suffix = unique();
const BUILT = `three-${suffix}`;
const SLOW = `slow-${suffix}`;
const FLAKY = `flaky-${suffix}`;
const FANOUT = `fanout-${suffix}`;
const CHILD = `child-${suffix}`;
let workspaceId = "";
let headers: Record<string, string> = {};

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
const nodes = (page: Page) => page.locator(".react-flow__node");
const stepPanel = (page: Page) => page.getByTestId("step-panel");
const runUrl = /\/workspaces\/[0-9a-f-]{36}\/runs\/([0-9a-f-]{36})$/;

type StepSpec = { name: string; script: string; dependsOn?: string[]; extra?: Record<string, unknown> };
const sh = ({ name, script, dependsOn = [], extra = {} }: StepSpec) => ({
  name,
  kind: "container",
  container: { image: "busybox", command: ["sh", "-c", script], args: [], env: [] },
  outputs: [{ name: "out", type: "string", source: { from: "stdout" } }],
  dependsOn,
  ...extra,
});

async function createWorkflow(request: APIRequestContext, name: string, spec: Record<string, unknown>) {
  const response = await request.post(`/api/v1/workspaces/${workspaceId}/workflows`, { headers, data: { name, spec } });
  expect(response.status(), await response.text()).toBe(201);
}

async function startRun(request: APIRequestContext, workflow: string, inputs: Record<string, unknown> = {}) {
  const response = await request.post(`/api/v1/workspaces/${workspaceId}/workflows/${workflow}/runs`, { headers, data: { inputs } });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function runState(request: APIRequestContext, runId: string) {
  const response = await request.get(`/api/v1/workspaces/${workspaceId}/runs/${runId}`, { headers });
  return ((await response.json()) as { state: string }).state;
}

/** Drags a connection from one step's control-out handle to another's control-in handle. */
async function connect(page: Page, from: string, to: string) {
  const start = (await page.getByTestId(`handle-${from}-out-control`).boundingBox())!;
  const end = (await page.getByTestId(`handle-${to}-in-control`).boundingBox())!;
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator(`.react-flow__edge[data-id="c|${from}|${to}"]`)).toHaveCount(1);
}

async function configure(inspector: Locator, to: { name: string; script: string }) {
  const name = inspector.getByLabel("Name", { exact: true });
  await name.fill(to.name);
  await name.press("Enter");
  await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", to.name);
  await inspector.getByLabel("Image", { exact: true }).fill("busybox");
  for (const [i, part] of ["sh", "-c", to.script].entries()) {
    await inspector.getByRole("button", { name: "Add command" }).click();
    await inspector.getByLabel(`Command ${i + 1}`, { exact: true }).fill(part);
  }
}

test.beforeAll(async ({ request }) => {
  const client = sluice<{ client_id: string; client_secret: string }>(
    "client", "create", "--tenant", "demo", "--name", `e2e runs ${suffix}`, "--role", "sluice-admin",
    "--scope", "workspaces:read", "--scope", "workspaces:write", "--scope", "workflows:read", "--scope", "workflows:write", "--scope", "runs:read", "--scope", "runs:write",
  );
  headers = { authorization: `Bearer ${(await clientToken(request, client.client_id, client.client_secret)).access_token}` };
  const response = await request.post("/api/v1/workspaces", { headers, data: { name: `Runs ${suffix}`, description: "Runs e2e" } });
  expect(response.status(), await response.text()).toBe(201);
  workspaceId = ((await response.json()) as { id: string }).id;
  await createWorkflow(request, SLOW, {
    inputs: [
      { name: "note", type: "string", required: true, description: "why this run" },
      { name: "seconds", type: "number", default: 60 },
      { name: "verbose", type: "boolean" },
    ],
    steps: [sh({ name: "wait", script: "echo waiting {{inputs.seconds}} s; sleep {{inputs.seconds}}" })],
  });
  await createWorkflow(request, FLAKY, { steps: [sh({ name: "prepare", script: "echo prepared" }), sh({ name: "check", script: "echo checking; exit 3", dependsOn: ["prepare"] })] });
  await createWorkflow(request, CHILD, { steps: [sh({ name: "hello", script: "echo hello from the child" })] });
  await createWorkflow(request, FANOUT, {
    steps: [
      sh({ name: "fan", script: "echo item-{{item}}", extra: { map: { over: { from: "literal", value: [1, 2, 3] }, parallelism: 2 } } }),
      {
        name: "pack",
        kind: "group",
        dependsOn: ["fan"],
        group: { inputs: [], outputs: [], steps: [sh({ name: "inner", script: "echo packed" })] },
      },
      { name: "sub", kind: "workflow", call: { workflow: CHILD, version: 1 }, dependsOn: ["pack"] },
    ],
  });
});

test("build a 3-step workflow, run it from the editor, watch it turn green and read a step's log", async ({ page }) => {
  await page.goto(`/workspaces/${workspaceId}/workflows`);
  await page.getByRole("button", { name: "New workflow" }).click();
  const dialog = page.getByRole("dialog", { name: "New workflow" });
  await dialog.getByLabel("Name").fill(BUILT);
  await dialog.getByRole("button", { name: "Create and open" }).click();
  await expect(page.getByTestId("workflow-builder")).toBeVisible();

  // The palette and inspector collapse (remembered across visits) and full width shows the graph alone.
  const builder = page.getByTestId("workflow-builder");
  const canvasWidth = async () => (await page.getByTestId("canvas").boundingBox())!.width;
  const normal = await canvasWidth();
  await page.getByTestId("toggle-palette").click();
  await page.getByTestId("toggle-inspector").click();
  await expect(page.getByRole("navigation", { name: "Step palette" })).toHaveCount(0);
  await expect(page.getByTestId("inspector")).toHaveCount(0);
  expect(await canvasWidth()).toBeGreaterThan(normal + 400);
  await page.reload();
  await expect(page.getByTestId("inspector")).toHaveCount(0);
  await expect(page.getByTestId("toggle-palette")).toHaveAttribute("aria-pressed", "false");
  await page.getByTestId("toggle-full-width").click();
  await expect(builder).toHaveAttribute("data-full-width", "true");
  expect((await builder.boundingBox())!.width).toBe(1440);
  await shot(page, "runs-builder-full-width");
  await page.keyboard.press("Escape");
  await expect(builder).toHaveAttribute("data-full-width", "false");
  await page.getByTestId("toggle-palette").click();
  await page.getByTestId("toggle-inspector").click();
  await expect(page.getByTestId("inspector")).toBeVisible();

  const inspector = page.getByTestId("inspector");
  const box = (await page.getByTestId("canvas").boundingBox())!;
  const steps = [
    { name: "A", script: "echo hello-from-A", at: { x: box.width / 2 - 300, y: 120 } },
    { name: "B", script: "sleep 3; echo hello-from-B", at: { x: box.width / 2, y: 120 } },
    { name: "C", script: "echo done-C", at: { x: box.width / 2 + 300, y: 120 } },
  ];
  for (const [i, step] of steps.entries()) {
    await page.getByTestId("palette-item-container").dragTo(page.getByTestId("canvas"), { targetPosition: step.at });
    await expect(nodes(page)).toHaveCount(i + 1);
    await configure(inspector, step);
  }
  await connect(page, "A", "B");
  await connect(page, "B", "C");
  await expect(page.getByTestId("problem-count")).toHaveText("0");
  // the page re-renders for the new version around the same builder, so a press on Run right after the save is never lost
  await builder.evaluate((element) => element.setAttribute("data-probe", "mounted before the save"));
  await page.getByTestId("save-button").click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved version 2.");
  await expect(page.getByText("v2 (latest)")).toBeVisible();
  await expect(builder).toHaveAttribute("data-probe", "mounted before the save");

  await page.getByRole("button", { name: `Run ${BUILT}` }).click();
  const start = page.getByRole("dialog", { name: `Run ${BUILT}` });
  await expect(start).toContainText("Starts version 2; it takes no inputs.");
  await start.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(runUrl);
  await expect(nodes(page)).toHaveCount(3);

  // live: B is seen running (A already green), then everything succeeds without a reload
  await expect(node(page, "B")).toHaveAttribute("data-state", "running", { timeout: 20_000 });
  await expect(node(page, "A")).toHaveAttribute("data-state", "succeeded");
  await shot(page, "runs-live-running");
  for (const name of ["A", "B", "C"]) await expect(node(page, name)).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("run-state")).toContainText("succeeded");
  await expect(node(page, "B").getByTestId("step-status")).toContainText("×1");
  await expect(page.getByTestId("timeline").getByRole("listitem")).toHaveCount(3);

  await node(page, "B").click();
  await expect(stepPanel(page)).toHaveAttribute("data-step", "B");
  const log = stepPanel(page).getByTestId("log-lines");
  await expect(log).toContainText("hello-from-B");
  await expect(stepPanel(page).getByTestId("log-viewer")).toHaveAttribute("data-stream", "ended");
  await stepPanel(page).getByLabel("Search the log").fill("HELLO");
  await expect(log.locator("mark")).toHaveText(["hello"]);
  await expect(stepPanel(page).getByRole("status")).toContainText(/1 of \d+ lines match/);
  await expect(stepPanel(page).getByRole("table", { name: "Attempts" })).toContainText("succeeded");
  await shot(page, "runs-step-log");

  // the timeline picks a step too
  await page.getByTestId("timeline").getByRole("button", { name: /^A: succeeded/ }).click();
  await expect(stepPanel(page)).toHaveAttribute("data-step", "A");
  await expect(stepPanel(page).getByTestId("log-lines")).toContainText("hello-from-A");

  await page.goto("/runs");
  const row = page.getByTestId("run-row").filter({ hasText: BUILT });
  await expect(row).toHaveAttribute("data-state", "succeeded");
  await expect(row).toContainText(`Runs ${suffix}`);
  await shot(page, "runs-all");
});

test("start a long run from the list with its input form, then cancel it", async ({ page, request }) => {
  await page.goto(`/workspaces/${workspaceId}/workflows`);
  await page.getByRole("row").filter({ hasText: SLOW }).getByRole("button", { name: `Run ${SLOW}` }).click();
  const form = page.getByRole("dialog", { name: `Run ${SLOW}` });
  await expect(form.getByLabel("seconds")).toHaveValue("60");
  await expect(form.getByLabel("verbose")).not.toBeChecked();
  // the service validates: a required input left empty is reported at its field
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(form.getByLabel("note (required)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByRole("alert").filter({ hasText: "required" })).toBeVisible();
  await shot(page, "runs-start-form-error");
  await form.getByLabel("note (required)").fill("cancel me");
  await form.getByLabel("verbose").check();
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(runUrl);
  await expect(page.getByTestId("run-info")).toContainText("cancel me");

  await expect(node(page, "wait")).toHaveAttribute("data-state", "running", { timeout: 20_000 });
  await node(page, "wait").click();
  await expect(stepPanel(page).getByTestId("log-lines")).toContainText("waiting 60 s");
  await expect(stepPanel(page).getByTestId("log-viewer")).toHaveAttribute("data-stream", "open");
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await page.getByTestId("confirm-cancel").click();
  await expect(page.getByTestId("run-state")).toContainText("cancelled");
  await expect(node(page, "wait")).toHaveAttribute("data-state", "cancelled", { timeout: 20_000 });
  await expect(stepPanel(page).getByTestId("log-viewer")).toHaveAttribute("data-stream", "ended");
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);
  await shot(page, "runs-cancelled");

  // two more, cancelled together from the workspace's runs list, which follows them live
  const more = [await startRun(request, SLOW, { note: "bulk" }), await startRun(request, SLOW, { note: "bulk" })];
  await page.goto(`/workspaces/${workspaceId}/runs?workflow=${SLOW}`);
  for (const id of more) await expect(page.locator(`[data-run="${id}"]`)).toBeVisible({ timeout: 20_000 });
  await page.getByLabel("Select every run on this page").check();
  await page.getByTestId("bulk-cancel").click();
  await page.getByRole("dialog", { name: "Cancel 2 runs?" }).getByTestId("confirm-cancel").click();
  await expect(page.getByTestId("bulk-report")).toContainText("Cancelled 2 runs.");
  for (const id of more) await expect(page.locator(`[data-run="${id}"]`)).toHaveAttribute("data-state", "cancelled");
  for (const id of more) expect(await runState(request, id)).toBe("cancelled");
  await shot(page, "runs-bulk-cancelled");
});

test("retry a failed run from its failed step on a fixed latest version", async ({ page, request }) => {
  const failed = await startRun(request, FLAKY);
  await expect.poll(() => runState(request, failed), { timeout: 30_000 }).toBe("failed");
  // fix the failing step in version 2
  const fixed = await request.put(`/api/v1/workspaces/${workspaceId}/workflows/${FLAKY}`, {
    headers,
    data: { baseVersion: 1, message: "fix check", spec: { steps: [sh({ name: "prepare", script: "echo prepared" }), sh({ name: "check", script: "echo fixed", dependsOn: ["prepare"] })] } },
  });
  expect(fixed.status(), await fixed.text()).toBe(200);

  await page.goto(`/workspaces/${workspaceId}/runs/${failed}`);
  await expect(node(page, "prepare")).toHaveAttribute("data-state", "succeeded");
  await expect(node(page, "check")).toHaveAttribute("data-state", "failed");
  await expect(page.getByTestId("run-error")).toContainText("check");
  await node(page, "check").click();
  await expect(stepPanel(page)).toContainText("Exit code");
  await expect(stepPanel(page).getByTestId("log-lines")).toContainText("checking");
  await shot(page, "runs-failed");

  await page.getByRole("button", { name: "Retry" }).click();
  const dialog = page.getByRole("dialog", { name: "Retry this run" });
  await expect(dialog.getByLabel(/The failed steps/)).toBeChecked();
  await dialog.getByLabel("The latest version").check();
  await dialog.getByRole("button", { name: "Retry", exact: true }).click();
  await expect(page).not.toHaveURL(new RegExp(failed));
  await expect(page).toHaveURL(runUrl);
  await expect(page.getByTestId("retried-run")).toContainText(failed.slice(0, 8));
  await expect(page.getByTestId("run-state")).toContainText("succeeded", { timeout: 30_000 });
  await expect(page.getByText(`${FLAKY} v2`)).toBeVisible();
  // the step that succeeded before is kept, not run again; the fixed one ran
  await expect(node(page, "prepare")).toHaveAttribute("data-state", "succeeded");
  await expect(node(page, "prepare").getByTestId("step-status")).toContainText("kept");
  await expect(node(page, "check")).toHaveAttribute("data-state", "succeeded");
  await node(page, "prepare").click();
  await expect(stepPanel(page)).toContainText("Kept from the run this one retries");
  await node(page, "check").click();
  await expect(stepPanel(page).getByTestId("log-lines")).toContainText("fixed");
  await shot(page, "runs-retried");

  // the list retries in bulk too: the failed run again, from the start
  await page.goto(`/workspaces/${workspaceId}/runs?workflow=${FLAKY}&state=failed`);
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await page.getByLabel("Select every run on this page").check();
  await page.getByTestId("bulk-retry").click();
  const bulk = page.getByRole("dialog", { name: "Retry 1 run" });
  await bulk.getByLabel("Everything, from the start").check();
  await bulk.getByRole("button", { name: "Retry", exact: true }).click();
  await expect(page.getByTestId("bulk-report")).toContainText("Retried 1 run.");
});

test("a mapped step shows its items done of all, a group opens to its steps, a sub-workflow run links both ways", async ({ page, request }) => {
  const runId = await startRun(request, FANOUT);
  await page.goto(`/workspaces/${workspaceId}/runs/${runId}`);
  await expect(page.getByTestId("run-state")).toContainText("succeeded", { timeout: 30_000 });
  await expect(node(page, "fan").getByTestId("step-progress")).toHaveText("3/3");
  await node(page, "fan").click();
  const items = stepPanel(page).getByRole("list", { name: "Choose one" });
  await expect(items.getByRole("button")).toHaveCount(3);
  await items.getByRole("button", { name: /fan\[1\]/ }).click();
  await expect(stepPanel(page).getByTestId("log-lines")).toContainText("item-2");
  await shot(page, "runs-map-items");

  await node(page, "pack").dblclick();
  await expect(page.getByTestId("breadcrumb")).toContainText("Group pack");
  await expect(node(page, "inner")).toHaveAttribute("data-state", "succeeded");
  await node(page, "inner").click();
  await expect(stepPanel(page).getByTestId("log-lines")).toContainText("packed");
  await shot(page, "runs-group-level");

  // back at the top, the group is selected; closing the step shows the run's own details
  await page.getByTestId("breadcrumb-0").click();
  await expect(stepPanel(page)).toHaveAttribute("data-step", "pack");
  await stepPanel(page).getByRole("button", { name: "Close the step" }).click();
  await expect(page.getByTestId("run-info")).toContainText("Sub-workflow runs (1)");
  await node(page, "sub").click();
  await stepPanel(page).getByRole("link", { name: "Open its sub-workflow run" }).click();
  await expect(page).not.toHaveURL(new RegExp(runId));
  await expect(page.getByText(`${CHILD} v1`)).toBeVisible();
  await expect(node(page, "hello")).toHaveAttribute("data-state", "succeeded");
  await page.getByTestId("parent-run").click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
});
