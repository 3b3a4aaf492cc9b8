import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { parse as parseYaml } from "yaml";
import { adminApi, ADMIN_STATE, E2E, shot, signIn, sluice, unique } from "./support";

// The visual workflow builder, driven like a person would: palette drag and drop, handle-to-handle
// connections, the inspector, the problems panel, undo/redo, import, export, and a viewer's read-only view.
test.use({ storageState: ADMIN_STATE, viewport: { width: 1440, height: 900 } });
test.describe.configure({ mode: "serial" });

const suffix = unique();
const DIAMOND = `diamond-${suffix}`;
const VIEWER = `viewer-${suffix}@example.com`;
const VIEWER_PASSWORD = "viewer-Passw0rd";
const ARGO_DIAMOND = path.resolve(process.cwd(), "../shared/argo/examples/dag-diamond.yaml");
const DIAMOND_EDGES = ["c|A|B", "c|A|C", "c|B|D", "c|C|D"];
let workspaceId = "";

test.beforeAll(async ({ request }) => {
  const headers = await adminApi(request);
  const response = await request.post("/api/v1/workspaces", { headers, data: { name: `Pipelines ${suffix}`, description: "Workflow builder e2e" } });
  expect(response.status(), await response.text()).toBe(201);
  workspaceId = ((await response.json()) as { id: string }).id;
});

const workflowUrl = (name: string) => `/workspaces/${workspaceId}/workflows/${name}`;
const nodes = (page: Page) => page.locator(".react-flow__node");
const edges = (page: Page) => page.locator(".react-flow__edge");
const edge = (page: Page, id: string) => page.locator(`.react-flow__edge[data-id="${id}"]`);
const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
/** React Flow's wrapper of a step node: it carries the selection class and the flow position (transform). */
const wrapper = (page: Page, name: string) => page.locator(`.react-flow__node[data-id="${name}"]`);

function center(box: { x: number; y: number; width: number; height: number } | null) {
  expect(box, "element has a bounding box").not.toBeNull();
  return { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
}

/** Opens a workflow in the builder and waits for its steps to be drawn. */
async function openBuilder(page: Page, name: string, steps: number) {
  await page.goto(workflowUrl(name));
  await expect(page.getByTestId("workflow-builder")).toBeVisible();
  await expect(nodes(page)).toHaveCount(steps);
}

/** Drags a step kind from the palette onto the canvas (HTML5 drag and drop), dropping it at (x, y) of the canvas. */
async function dropStep(page: Page, kind: string, at: { x: number; y: number }) {
  await page.getByTestId(`palette-item-${kind}`).dragTo(page.getByTestId("canvas"), { targetPosition: at });
}

/** Drags a connection with the mouse from one step's control-out handle to another's control-in handle. */
async function dragConnection(page: Page, from: string, to: string) {
  const start = center(await page.getByTestId(`handle-${from}-out-control`).boundingBox());
  const end = center(await page.getByTestId(`handle-${to}-in-control`).boundingBox());
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 8 });
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
}

/** Fills the selected step's name, image and command in the inspector. */
async function configureStep(inspector: Locator, from: string, to: { name: string; image: string; command: string[] }) {
  await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", from);
  const name = inspector.getByLabel("Name", { exact: true });
  await name.fill(to.name);
  await name.press("Enter");
  await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", to.name);
  await inspector.getByLabel("Image", { exact: true }).fill(to.image);
  for (const [i, part] of to.command.entries()) {
    await inspector.getByRole("button", { name: "Add command" }).click();
    await inspector.getByLabel(`Command ${i + 1}`, { exact: true }).fill(part);
  }
}

test("build a diamond by drag and drop, fix a problem, save, and find it again after a reload", async ({ page }) => {
  await page.goto(`/workspaces/${workspaceId}/workflows`);
  await page.getByRole("button", { name: "New workflow" }).click();
  const dialog = page.getByRole("dialog", { name: "New workflow" });
  await dialog.getByLabel("Name").fill(DIAMOND);
  await dialog.getByLabel("Description").fill("A fans out to B and C, which join in D");
  await dialog.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${DIAMOND}$`));
  await expect(page.getByTestId("workflow-builder")).toBeVisible();
  await expect(nodes(page)).toHaveCount(0);
  await expect(page.getByTestId("save-button")).toBeDisabled();

  const canvas = page.getByTestId("canvas");
  const inspector = page.getByTestId("inspector");
  const box = (await canvas.boundingBox())!;
  const mid = box.width / 2;
  // A on top, B and C side by side below it, D at the bottom: the diamond as drawn in the Argo example.
  const layout = [
    { name: "A", at: { x: mid, y: 60 }, command: ["echo", "A"] },
    { name: "B", at: { x: mid - 145, y: 175 }, command: ["echo", "B"] },
    { name: "C", at: { x: mid + 145, y: 175 }, command: ["echo", "C"] },
    { name: "D", at: { x: mid, y: 290 }, command: ["echo", "D"] },
  ];
  for (const [i, step] of layout.entries()) {
    await dropStep(page, "container", step.at);
    // a new step gets the kind's name and is selected, so the inspector shows it
    await expect(nodes(page)).toHaveCount(i + 1);
    await expect(node(page, "container")).toBeVisible();
    await configureStep(inspector, "container", { name: step.name, image: "busybox:1.36", command: step.command });
    await expect(node(page, step.name)).toContainText("busybox:1.36");
  }
  // each landed where it was dropped (the drop handler placed it, not the click-to-add fallback)
  for (const step of layout) {
    const placed = (await node(page, step.name).boundingBox())!;
    expect(Math.abs(placed.x + placed.width / 2 - (box.x + step.at.x))).toBeLessThan(4);
  }
  await shot(page, "workflow-builder-dropped");

  for (const [from, to] of [["A", "B"], ["A", "C"], ["B", "D"], ["C", "D"]]) {
    await dragConnection(page, from, to);
    await expect(edge(page, `c|${from}|${to}`)).toHaveCount(1);
  }
  await expect(edges(page)).toHaveCount(4);
  // a connection that would close a cycle is refused with a reason
  await dragConnection(page, "D", "A");
  await expect(page.getByTestId("canvas-notice")).toContainText("cycle");
  await expect(edges(page)).toHaveCount(4);
  await shot(page, "workflow-builder-connected");

  // An empty image is a problem: listed in the panel, marked on the node, and one click away.
  await node(page, "D").click();
  await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", "D");
  await inspector.getByLabel("Image", { exact: true }).fill("");
  const problems = page.getByTestId("problems-panel");
  const problem = problems.getByTestId("problem-item").filter({ hasText: 'Step "D" has no image.' });
  await expect(problem).toBeVisible();
  await expect(problems.getByTestId("problem-count")).toHaveText("1");
  await expect(node(page, "D")).toHaveAttribute("data-problems", "1");
  await node(page, "A").click();
  await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", "A");
  await shot(page, "workflow-builder-problem");

  await problem.click();
  await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", "D");
  await expect(wrapper(page, "D")).toHaveClass(/\bselected\b/);
  const image = inspector.getByLabel("Image", { exact: true });
  await expect(image).toBeFocused();
  await expect(image).toHaveAttribute("aria-invalid", "true");
  await image.fill("busybox:1.36");
  await expect(problems.getByTestId("problem-count")).toHaveText("0");
  await expect(problems).toContainText("No problems: the workflow is valid.");
  await expect(node(page, "D")).toHaveAttribute("data-problems", "0");

  await expect(page.getByTestId("save-status")).toHaveText("Unsaved changes");
  await page.getByTestId("save-message").fill("Diamond: A, then B and C, then D");
  await page.getByTestId("save-button").click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved version 2.");
  await expect(page.getByTestId("save-button")).toBeDisabled();
  await expect(page.getByText("v2 (latest)")).toBeVisible();
  await shot(page, "workflow-builder-saved");

  await page.reload();
  await expect(nodes(page)).toHaveCount(4);
  for (const name of ["A", "B", "C", "D"]) await expect(node(page, name)).toContainText("busybox:1.36");
  await expect(edges(page)).toHaveCount(4);
  for (const id of DIAMOND_EDGES) await expect(edge(page, id)).toHaveCount(1);
  await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");
  // the minimap outlines every step, and dragging it pans the canvas
  const minimap = page.getByTestId("rf__minimap");
  await expect(minimap.locator(".react-flow__minimap-node")).toHaveAttribute("d", /^(M[^M]+){4}$/);
  const viewport = page.locator(".react-flow__viewport");
  const shown = await viewport.getAttribute("style");
  const grab = center(await minimap.boundingBox());
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + 30, grab.y + 15, { steps: 6 });
  await page.mouse.up();
  await expect(viewport).not.toHaveAttribute("style", shown ?? "");
  await page.getByTestId("fit-button").click();
  await node(page, "C").click();
  await expect(inspector.getByLabel("Command 1", { exact: true })).toHaveValue("echo");
  await expect(inspector.getByLabel("Command 2", { exact: true })).toHaveValue("C");
  await page.getByTestId("history-button").click();
  await expect(page.getByTestId("version-item").first()).toContainText("Diamond: A, then B and C, then D");
  await shot(page, "workflow-builder-reloaded");

  // restoring the empty first version saves it as version 3 in the open builder, history panel and all
  await page.getByTestId("version-item").last().getByTestId("version-restore").click();
  await expect(page.getByTestId("save-status")).toHaveText("Restored version 1 as version 3.");
  await expect(page.getByText("v3 (latest)")).toBeVisible();
  await expect(nodes(page)).toHaveCount(0);
  await expect(page.getByTestId("version-item")).toHaveCount(3);
  await expect(page.getByTestId("version-item").first()).toContainText("Restored version 1");
  await expect(page.getByTestId("version-item").first()).toContainText("editing");
  await expect(page.getByTestId("save-button")).toBeDisabled();
  // and the diamond back, as version 4, for the tests after this one
  await page.getByTestId("version-item").nth(1).getByTestId("version-restore").click();
  await expect(page.getByTestId("save-status")).toHaveText("Restored version 2 as version 4.");
  await expect(nodes(page)).toHaveCount(4);
  await expect(edges(page)).toHaveCount(4);
});

test("undo and redo with the keyboard and the toolbar buttons", async ({ page }) => {
  await openBuilder(page, DIAMOND, 4);
  await expect(edges(page)).toHaveCount(4);
  const undo = page.getByTestId("undo-button");
  const redo = page.getByTestId("redo-button");
  await expect(undo).toBeDisabled();

  // delete D with the keyboard: its two edges go with it
  await node(page, "D").click();
  await page.keyboard.press("Delete");
  await expect(node(page, "D")).toHaveCount(0);
  await expect(edges(page)).toHaveCount(2);
  await expect(page.getByTestId("save-status")).toHaveText("Unsaved changes");

  await page.keyboard.press("Control+z");
  await expect(node(page, "D")).toBeVisible();
  await expect(edges(page)).toHaveCount(4);
  await expect(edge(page, "c|C|D")).toHaveCount(1);
  await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");

  await page.keyboard.press("Control+Shift+z");
  await expect(node(page, "D")).toHaveCount(0);
  await expect(edges(page)).toHaveCount(2);

  await undo.click();
  await expect(node(page, "D")).toBeVisible();
  await expect(edges(page)).toHaveCount(4);
  await redo.click();
  await expect(node(page, "D")).toHaveCount(0);
  await undo.click();
  await expect(node(page, "D")).toBeVisible();
  await expect(redo).toBeEnabled();

  // adding a step (click on a palette item) undoes and redoes too, and a new edit clears redo
  await page.getByTestId("palette-item-http").click();
  await expect(node(page, "http")).toBeVisible();
  await expect(redo).toBeDisabled();
  await expect(nodes(page)).toHaveCount(5);
  await shot(page, "workflow-undo-added");
  await page.getByTestId("canvas").locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z");
  await expect(node(page, "http")).toHaveCount(0);
  await expect(nodes(page)).toHaveCount(4);
  await page.keyboard.press("Control+Shift+z");
  await expect(node(page, "http")).toBeVisible();
  await undo.click();
  await expect(node(page, "http")).toHaveCount(0);
  await expect(edges(page)).toHaveCount(4);
  await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");
  await shot(page, "workflow-undo-restored");
});

test("import the Argo dag-diamond example from the list page", async ({ page }) => {
  await page.goto(`/workspaces/${workspaceId}/workflows`);
  await page.getByTestId("import-workflow-file").setInputFiles(ARGO_DIAMOND);
  await expect(page).toHaveURL(/\/workflows\/dag-diamond$/);
  await expect(nodes(page)).toHaveCount(4);
  for (const name of ["A", "B", "C", "D"]) await expect(node(page, name)).toContainText("busybox");
  await expect(edges(page)).toHaveCount(4);
  for (const id of DIAMOND_EDGES) await expect(edge(page, id)).toHaveCount(1);
  await expect(page.getByTestId("problem-count")).toHaveText("0");
  await shot(page, "workflow-imported-dag-diamond");

  await page.goto(`/workspaces/${workspaceId}/workflows`);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "dag-diamond", exact: true }) });
  await expect(row).toContainText("v1");
  await expect(row.getByRole("cell").nth(2)).toHaveText("4");
});

test("export the diamond as an Argo Workflow YAML", async ({ page }) => {
  await openBuilder(page, DIAMOND, 4);
  const link = page.getByTestId("export-argo");
  await expect(link).toHaveText("Argo YAML");
  const downloading = page.waitForEvent("download");
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.ya?ml$/);
  const text = await readFile((await download.path())!, "utf8");
  const doc = parseYaml(text) as {
    apiVersion: string;
    kind: string;
    spec: { entrypoint: string; templates: { name: string; dag?: { tasks: { name: string; template: string; dependencies?: string[]; depends?: string }[] }; container?: { image: string; command?: string[] } }[] };
  };
  expect(doc.apiVersion).toBe("argoproj.io/v1alpha1");
  expect(doc.kind).toBe("Workflow");
  const entry = doc.spec.templates.find((template) => template.name === doc.spec.entrypoint);
  expect(entry?.dag, "the entrypoint is a DAG").toBeTruthy();
  const tasks = Object.fromEntries(entry!.dag!.tasks.map((task) => [task.name, task]));
  expect(Object.keys(tasks).sort()).toEqual(["A", "B", "C", "D"]);
  const after = (name: string) => [...(tasks[name].dependencies ?? [])].sort();
  expect(after("A")).toEqual([]);
  expect(after("B")).toEqual(["A"]);
  expect(after("C")).toEqual(["A"]);
  expect(after("D")).toEqual(["B", "C"]);
  // each task runs a container template with the image and command set in the inspector
  for (const name of ["A", "B", "C", "D"]) {
    const template = doc.spec.templates.find((candidate) => candidate.name === tasks[name].template);
    expect(template?.container?.image).toBe("busybox:1.36");
    expect(template?.container?.command).toEqual(["echo", name]);
  }
});

test("a viewer sees the workflow read-only and cannot change it", async ({ browser, request }) => {
  sluice("user", "create", "--tenant", "demo", "--email", VIEWER, "--password", VIEWER_PASSWORD, "--name", "Vic Viewer");
  const headers = await adminApi(request);
  const added = await request.post(`/api/v1/workspaces/${workspaceId}/members`, { headers, data: { email: VIEWER, role: "viewer" } });
  expect(added.status(), await added.text()).toBe(201);

  const context = await browser.newContext({ baseURL: E2E.baseURL, viewport: { width: 1440, height: 900 }, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  try {
    await signIn(page, VIEWER, VIEWER_PASSWORD);
    await expect(page).toHaveURL(/\/workspaces$/);

    await page.goto(`/workspaces/${workspaceId}/workflows`);
    await expect(page.getByRole("link", { name: DIAMOND, exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "New workflow" })).toHaveCount(0);
    await expect(page.getByTestId("import-workflow-file")).toHaveCount(0);

    await openBuilder(page, DIAMOND, 4);
    await expect(edges(page)).toHaveCount(4);
    await expect(page.getByText("read-only", { exact: true })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Step palette" })).toHaveCount(0);
    for (const kind of ["container", "script", "http", "workflow", "group"]) await expect(page.getByTestId(`palette-item-${kind}`)).toHaveCount(0);
    for (const id of ["save-button", "save-message", "undo-button", "redo-button", "layout-button", "import-input"]) await expect(page.getByTestId(id)).toHaveCount(0);
    // exporting is reading: a viewer may do it
    await expect(page.getByTestId("export-argo")).toHaveAttribute("href", /format=argo/);

    const inspector = page.getByTestId("inspector");
    await node(page, "B").click();
    await expect(inspector.getByTestId("step-inspector")).toHaveAttribute("data-step", "B");
    await expect(inspector.getByLabel("Name", { exact: true })).toBeDisabled();
    await expect(inspector.getByLabel("Image", { exact: true })).toBeDisabled();
    await expect(inspector.getByLabel("Command 1", { exact: true })).toBeDisabled();
    await expect(inspector.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await shot(page, "workflow-viewer-read-only");

    // keyboard delete and undo change nothing
    await page.keyboard.press("Delete");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Control+z");
    await expect(nodes(page)).toHaveCount(4);
    await expect(edges(page)).toHaveCount(4);

    // dragging a step does not move it (its flow position, React Flow's transform of the node, stays)
    const before = await wrapper(page, "B").getAttribute("style");
    const grab = center(await node(page, "B").boundingBox());
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move(grab.x + 120, grab.y + 90, { steps: 10 });
    await page.mouse.up();
    expect(await wrapper(page, "B").getAttribute("style")).toBe(before);

    // dragging from a handle does not connect (B → C would be a valid connection for an editor)
    await dragConnection(page, "B", "C");
    await expect(edges(page)).toHaveCount(4);
    await expect(edge(page, "c|B|C")).toHaveCount(0);
    await expect(page.getByTestId("workflow-builder")).toHaveAttribute("data-dirty", "false");
    await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");
    await shot(page, "workflow-viewer-after-attempts");

    // nothing was saved behind the scenes either
    await page.reload();
    await expect(page.getByText("v4 (latest)")).toBeVisible();
    await expect(nodes(page)).toHaveCount(4);
  } finally {
    await context.close();
  }
});
