import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { eventDeliveries, eventDeliveryRuns, storageCommits } from "@/db/schema";
import { engineFixture, engineWorker, saveWorkflow, sh, waitForRun } from "@/lib/engine/testing/engine";
import { testToken } from "@/lib/testing/fixtures";
import { call, expectFieldErrors, expectProblem } from "@/lib/testing/http";
import * as accessManager from "./access-manager";
import { bindWorkflow, listBindings, setBindingEnabled, unbindWorkflow } from "./bindings";
import * as api from "./endpoints";
import { createSpace } from "./spaces";
import { testOrganization } from "./testing/storage";

/** The commit: the files under a folder of the loading zone, recorded, and the workflows bound to the space started with them. */
let fx: Awaited<ReturnType<typeof engineFixture>>;
let supplier: string;
let reader: string;
const w = engineWorker();

beforeAll(async () => {
  fx = await engineFixture("commit");
  await testOrganization(fx.admin, "lab");
  await createSpace(fx.admin, { org: "lab", name: "images", confidentiality: "private", workspaceId: fx.workspaceId });
  await saveWorkflow(fx.admin, fx.workspaceId, "ingest", {
    inputs: [
      { name: "files", type: "json", required: true },
      { name: "folder", type: "string", required: true },
    ],
    steps: [sh("count", "echo {{inputs.folder}}")],
  });
  supplier = (await testToken(fx.operator, ["storage:read", "storage:write"], ["org_lab_access", "spc_images_supplier"])).token;
  reader = (await testToken(fx.operator, ["storage:read", "storage:write"], ["org_lab_access", "spc_images_user"])).token;
  await w.start();
});
afterAll(() => w.stop());

const content = (name: string) => `content of ${name}`;

async function upload(names: string[]) {
  const sas = await call(api.uploadSas, { token: supplier, query: { organization: "lab", space: "images" } });
  for (const name of names) {
    const url = new URL(sas.body.url);
    url.pathname += `/${name}`;
    const put = await fetch(url, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: content(name) });
    expect(put.status).toBe(201);
  }
}

describe("commit", () => {
  it("records the loading zone's files under rootDir and starts the space's bound workflow with them", async () => {
    const binding = await bindWorkflow(fx.admin, { org: "lab", space: "images", workflow: "ingest", inputs: { files: "files", folder: "rootDir" } });
    expect(await listBindings(fx.admin, { org: "lab", space: "images" })).toEqual([
      { id: binding.id, workflow: "ingest", inputs: { files: "files", folder: "rootDir" }, enabled: true, createdBy: expect.any(String), canManage: true },
    ]);
    await upload(["batch-1/a.png", "batch-1/sub/b.png", "batch-10/other.png"]);

    const committed = await call(api.commit, { token: supplier, query: { organization: "lab", space: "images", rootDir: "batch-1/" } });
    expect(committed.status).toBe(201);
    const files = ["batch-1/a.png", "batch-1/sub/b.png"].map((name) => ({ name, size: content(name).length }));
    expect(committed.body).toMatchObject({ organization: "lab", space: "images", rootDir: "batch-1", files, eventDeliveryId: expect.any(Number) });

    const db = await database();
    const [delivery] = await db.select().from(eventDeliveries).where(eq(eventDeliveries.id, committed.body.eventDeliveryId));
    expect(delivery).toMatchObject({ type: "storage.commit", payload: { organization: "lab", space: "images", rootDir: "batch-1", container: "loadingzone", files, commitId: committed.body.id } });
    let runId: string | null = null;
    await vi.waitFor(
      async () => {
        const [outcome] = await db.select().from(eventDeliveryRuns).where(eq(eventDeliveryRuns.deliveryId, delivery.id));
        expect(outcome?.runId).toBeTruthy();
        runId = outcome.runId;
      },
      { timeout: 15_000, interval: 50 },
    );
    const run = await waitForRun(fx.admin, fx.workspaceId, runId!);
    expect(run).toMatchObject({ state: "succeeded", trigger: "event", inputs: { files, folder: "batch-1" } });
    const [row] = await db.select().from(storageCommits).where(eq(storageCommits.id, committed.body.id));
    expect(row.files).toEqual(files);

    await setBindingEnabled(fx.admin, { org: "lab", space: "images", bindingId: binding.id, enabled: false });
    expect((await listBindings(fx.admin, { org: "lab", space: "images" }))[0].enabled).toBe(false);
    await unbindWorkflow(fx.admin, { org: "lab", space: "images", bindingId: binding.id });
    expect(await listBindings(fx.admin, { org: "lab", space: "images" })).toEqual([]);
  });

  it("needs upload rights on the space; rootDir is a folder", async () => {
    expectProblem(await call(api.commit, { token: reader, query: { organization: "lab", space: "images", rootDir: "batch-1" } }), 403, "forbidden");
    for (const rootDir of ["..", "a//b", "/", "x/../y"]) {
      expect(expectFieldErrors(await call(api.commit, { token: supplier, query: { organization: "lab", space: "images", rootDir } })).map((e) => e.path)).toEqual(["query.rootDir"]);
    }
  });

  it("answers 204 on the AccessManager's path, with the seed's default rootDir", async () => {
    await upload(["none/x.txt"]);
    const result = await call(accessManager.commit, { token: supplier, query: { organization: "lab", space: "images" } });
    expect(result.status).toBe(204);
    const db = await database();
    const rows = await db.select().from(storageCommits).where(eq(storageCommits.rootDir, "none"));
    expect(rows.map((r) => r.files)).toContainEqual([{ name: "none/x.txt", size: content("none/x.txt").length }]);
  });
});
