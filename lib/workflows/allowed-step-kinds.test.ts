import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { workspaces } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { createWorkspace } from "@/lib/workspaces/service";
import { createWorkflow, importWorkflow, validateSpec } from "./service";

/** A workspace's allowed step kinds (chosen by tenant admins) reach validation through the service. */
describe("allowed step kinds", () => {
  let admin: Principal;
  let workspaceId: string;
  const spec = {
    steps: [
      { name: "build", kind: "container", container: { image: "busybox", command: ["echo", "hi"] } },
      { name: "notify", kind: "http", http: { url: "https://hooks.example/done" }, dependsOn: ["build"] },
    ],
  };

  beforeAll(async () => {
    const { tenant, operator } = await testTenant("kinds");
    admin = await testUser(tenant.slug, operator, { admin: true });
    workspaceId = (await createWorkspace(admin, { name: "restricted" })).id;
  });

  const allow = async (kinds: string[] | null) => {
    const db = await database();
    await db.update(workspaces).set({ allowedStepKinds: kinds }).where(eq(workspaces.id, workspaceId));
  };

  it("lets every kind through when the workspace names none, and reports the others when it does", async () => {
    await allow(null);
    expect(await validateSpec(admin, { workspaceId, spec })).toEqual({ valid: true, problems: [] });

    await allow(["container", "script", "not-a-kind"]);
    const problem = { code: "step-kind-not-allowed", message: 'Step "notify" is a http step, which this workspace may not use (allowed: container, script).', step: ["notify"], field: ["kind"] };
    expect(await validateSpec(admin, { workspaceId, spec })).toEqual({ valid: false, problems: [problem] });
    await expect(createWorkflow(admin, { workspaceId, name: "deploy", spec })).rejects.toMatchObject({ status: 400, code: "invalid_workflow", details: { problems: [problem] } });

    const imported = await importWorkflow(admin, { workspaceId, name: "deploy", document: { kind: "sluice.dev/Workflow", version: 1, name: "deploy", spec } });
    expect(imported.problems).toEqual([problem]);
  });
});
