import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { DEV_KEY, EXTRA_ACCOUNTS } from "../lib/storage/testing/azurite.mjs";
import { ADMIN_STATE, clientToken, E2E, shot, sluice, unique } from "./support";

// Storage in the browser, against the Azurite that scripts/e2e-server.mjs runs: bind a workflow to a
// space, upload two files (one of them in blocks) straight from the browser into the loading zone
// with progress, commit the folder, and follow the commit to the run it started with the file list.
test.use({ storageState: ADMIN_STATE, viewport: { width: 1440, height: 1000 } });
test.describe.configure({ mode: "serial" });

const suffix = unique();
const ORG = `e2e-${suffix}`;
const WORKFLOW = `ingest-${suffix}`;
const FOLDER = `batch-${suffix}`;
const AZURITE = `http://127.0.0.1:${Number(process.env.E2E_AZURITE_PORT || E2E.port + 20)}`;
const BIG = randomBytes(9 * 1024 * 1024); // three 4 MiB blocks
let workspaceId = "";

test.beforeAll(async ({ request }, testInfo) => {
  // one organization per storage account and tenant: a retry takes the next of Azurite's accounts
  const account = EXTRA_ACCOUNTS[testInfo.retry % EXTRA_ACCOUNTS.length];
  const client = sluice<{ client_id: string; client_secret: string }>(
    "client", "create", "--tenant", "demo", "--name", `e2e storage ${suffix}`, "--role", "sluice-admin",
    "--scope", "workspaces:write", "--scope", "workflows:write", "--scope", "storage:write",
  );
  const headers = { authorization: `Bearer ${(await clientToken(request, client.client_id, client.client_secret)).access_token}` };
  const ws = await request.post("/api/v1/workspaces", { headers, data: { name: `Storage ${suffix}` } });
  expect(ws.status(), await ws.text()).toBe(201);
  workspaceId = ((await ws.json()) as { id: string }).id;
  const workflow = await request.post(`/api/v1/workspaces/${workspaceId}/workflows`, {
    headers,
    data: {
      name: WORKFLOW,
      spec: {
        inputs: [
          { name: "files", type: "json", required: true },
          { name: "rootDir", type: "string", required: true },
        ],
        steps: [{ name: "list", kind: "container", container: { image: "busybox", command: ["sh", "-c", "echo committed {{inputs.rootDir}}"], args: [], env: [] }, dependsOn: [] }],
      },
    },
  });
  expect(workflow.status(), await workflow.text()).toBe(201);
  // an organization on Azurite, where Sluice's origin gets a CORS rule so the browser may upload
  const org = await request.post("/api/v1/storage/organizations", {
    headers,
    data: { name: ORG, confidentiality: "internal", connection: { accountName: account, accountKey: DEV_KEY, blobEndpoint: `${AZURITE}/${account}` } },
  });
  expect(org.status(), await org.text()).toBe(201);
  const space = await request.post(`/api/v1/storage/organizations/${ORG}/spaces`, { headers, data: { name: "images", confidentiality: "private", workspaceId } });
  expect(space.status(), await space.text()).toBe(201);
});

test("upload two files to the loading zone with progress, commit, and see the run start with the file list", async ({ page }) => {
  await page.goto("/workspaces");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Storage" }).click();
  const card = page.getByTestId(`organization-${ORG}`);
  await expect(card).toContainText("internal");
  await expect(card).toContainText("loadingzone");
  await card.getByRole("link", { name: "images" }).click();
  await expect(page).toHaveURL(new RegExp(`/storage/${ORG}/images$`));

  // the space's trigger setting: bind the workflow to its commits
  await page.getByRole("button", { name: "Bind workflow" }).click();
  const bind = page.getByRole("dialog", { name: "Bind a workflow" });
  await bind.getByLabel("Workflow").selectOption(WORKFLOW);
  await bind.getByRole("button", { name: "Bind workflow" }).click();
  await expect(bind).toBeHidden();
  await expect(page.getByTestId(`binding-${WORKFLOW}`)).toContainText("files ← files");

  // two files from the browser straight to Azurite: a small one in one request, a large one in blocks
  await page.getByLabel("Folder").fill(FOLDER);
  await page.getByLabel("Files").setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("first file\n") },
    { name: "scan.bin", mimeType: "application/octet-stream", buffer: BIG },
  ]);
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  for (const name of ["notes.txt", "scan.bin"]) {
    await expect(page.getByRole("progressbar", { name: `Upload of ${name}` })).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
  }
  await expect(page.getByTestId("upload-item").and(page.locator('[data-state="done"]'))).toHaveCount(2);
  await expect(page.getByTestId("upload-item").nth(1)).toContainText("9.0 MiB / 9.0 MiB");
  await shot(page, "storage-upload");

  await page.getByRole("button", { name: `Commit ${FOLDER}` }).click();
  await expect(page.getByRole("status")).toHaveText(`Committed 2 files from ${FOLDER}.`);

  // the commit appears with the run it started (the page looks again while the run starts)
  const commit = page.getByTestId("commit").filter({ hasText: FOLDER });
  await expect(commit.getByTestId("commit-run")).toHaveText(`started ${WORKFLOW}`, { timeout: 30_000 });
  await shot(page, "storage-commit");
  await commit.getByTestId("commit-run").click();
  await expect(page).toHaveURL(new RegExp(`/workspaces/${workspaceId}/runs/[0-9a-f-]{36}$`));
  const inputs = page.getByTestId("run-info");
  await expect(inputs).toContainText(`${FOLDER}/notes.txt`);
  await expect(inputs).toContainText(`${FOLDER}/scan.bin`);
  await expect(inputs).toContainText(String(BIG.length));

  // and the files are in the loading zone, as the browser sent them
  await page.goto(`/storage/${ORG}/loadingzone?prefix=${FOLDER}/`);
  await expect(page.getByTestId("blob-row")).toHaveCount(2);
  await expect(page.getByTestId("blob-row").filter({ hasText: "scan.bin" })).toContainText("9.0 MiB");
  await shot(page, "storage-loading-zone");
});
