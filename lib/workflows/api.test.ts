import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createSecret } from "@/lib/secrets/service";
import { testTenant, testToken, testUser } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import { ARGO_EXAMPLES_DIR, argoValidator } from "./argo/schema.testing";
import * as api from "./endpoints";
import type { WorkflowSpec } from "./model";

const container = (name: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) => ({
  name,
  kind: "container",
  container: { image: "alpine:3.20", command: ["echo", name], ...config },
  ...extra,
});
const secretEnv = (secret: string) => ({ env: [{ name: "PW", value: { from: "secret", name: secret } }] });

const diamond = {
  description: "A diamond",
  labels: { team: "data" },
  inputs: [{ name: "message", type: "string", required: false, default: "hi" }],
  steps: [
    container("A", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }] }),
    container("B", { dependsOn: ["A"] }),
    container("C", { inputs: [{ name: "msg", type: "string", value: { from: "step", step: "A", output: "out" } }] }),
    container("D", { dependsOn: ["B", "C"] }),
  ],
};

describe("workflows REST API", () => {
  let token: string;
  let readToken: string;
  let otherTenantToken: string;
  let wsId: string;
  let viewer: Principal;

  beforeAll(async () => {
    const { tenant, operator } = await testTenant("wf");
    const admin = await testUser(tenant.slug, operator, { admin: true });
    const ws = await createWorkspace(admin, { name: "pipelines" });
    wsId = ws.id;
    await createSecret(admin, { workspaceId: wsId, name: "db-password", value: "s3cret" });
    ({ token } = await testToken(operator, ["workflows:read", "workflows:write"], ["sluice-admin"]));
    ({ token: readToken } = await testToken(operator, ["workflows:read"], ["sluice-admin"]));
    viewer = await testUser(tenant.slug, operator);
    await addMember(admin, { workspaceId: wsId, email: viewer.subject, role: "viewer" });
    const other = await testTenant("wf-other");
    ({ token: otherTenantToken } = await testToken(other.operator, ["workflows:read", "workflows:write"], ["sluice-admin"]));
  });

  const params = (name?: string, version?: number) => ({ id: wsId, ...(name ? { name } : {}), ...(version ? { version: String(version) } : {}) });

  it("creates, reads, lists with filters, versions, diffs and deletes", async () => {
    const created = await call(api.createWorkflow, { token, params: params(), body: { name: "diamond", spec: diamond, message: "first" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "diamond", latestVersion: 1, stepCount: 4, labels: { team: "data" }, version: { version: 1, message: "first" } });

    const got = await call(api.getWorkflow, { token, params: params("diamond") });
    expect(got.body.version.spec.steps.map((s: { name: string }) => s.name)).toEqual(["A", "B", "C", "D"]);

    const changed: WorkflowSpec = structuredClone(got.body.version.spec);
    changed.steps[1] = { ...changed.steps[1], timeout: "5m" };
    const saved = await call(api.saveWorkflow, { token, params: params("diamond"), body: { baseVersion: 1, spec: changed, message: "timeout on B" } });
    expect(saved.status).toBe(200);
    expect(saved.body.latestVersion).toBe(2);

    const versions = await call(api.listVersions, { token, params: params("diamond") });
    expect(versions.body.items.map((v: { version: number; message: string }) => [v.version, v.message])).toEqual([
      [2, "timeout on B"],
      [1, "first"],
    ]);
    const v1 = await call(api.getVersion, { token, params: params("diamond", 1) });
    expect(v1.body.spec.steps[1].timeout).toBeUndefined();

    const diff = await call(api.diffVersions, { token, params: params("diamond", 1), query: { to: "2" } });
    expect(diff.status).toBe(200);
    expect(JSON.stringify(diff.body)).toContain("timeout");
    expect(diff.body).toMatchObject({ from: 1, to: 2 });

    await call(api.createWorkflow, { token, params: params(), body: { name: "other", spec: { labels: { team: "ops" } } } });
    const byLabel = await call(api.listWorkflows, { token, params: params(), query: { label: "team=data" } });
    expect(byLabel.body.items.map((w: { name: string }) => w.name)).toEqual(["diamond"]);
    const bySearch = await call(api.listWorkflows, { token, params: params(), query: { q: "othe" } });
    expect(bySearch.body.items.map((w: { name: string }) => w.name)).toEqual(["other"]);

    const removed = await call(api.deleteWorkflow, { token, params: params("other") });
    expect(removed.status).toBe(204);
    expect((await call(api.getWorkflow, { token, params: params("other") })).status).toBe(404);
  });

  it("pages by name with the cursor of the previous page, and refuses one it did not make with 400", async () => {
    for (const name of ["page-a", "page-b"]) await call(api.createWorkflow, { token, params: params(), body: { name, spec: {} } });
    const first = await call(api.listWorkflows, { token, params: params(), query: { q: "page-", limit: "1" } });
    const second = await call(api.listWorkflows, { token, params: params(), query: { q: "page-", limit: "1", cursor: first.body.nextCursor } });
    expect([first.body.items, second.body.items].map((items) => items.map((w: { name: string }) => w.name))).toEqual([["page-a"], ["page-b"]]);
    expect(second.body.nextCursor).toBeNull();
    const bytesOfNul = Buffer.from("\u0000\u0000\u0000").toString("base64url");
    const refused = await call(api.listWorkflows, { token, params: params(), query: { cursor: bytesOfNul } });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: "invalid_cursor" });
  });

  it("refuses versions beyond PostgreSQL integers with 400, in the path and the query", async () => {
    const tooBig = "2147483648";
    const answers = [
      await call(api.getVersion, { token, params: { ...params("diamond"), version: tooBig } }),
      await call(api.diffVersions, { token, params: params("diamond", 1), query: { to: tooBig } }),
      await call(api.exportWorkflow, { token, params: params("diamond"), query: { version: tooBig } }),
    ];
    expect(answers.map((a) => [a.status, a.body.code])).toEqual(Array(3).fill([400, "validation_failed"]));
  });

  it("refuses a save based on a stale version with 409 naming the newer version's author and time", async () => {
    await call(api.createWorkflow, { token, params: params(), body: { name: "stale", spec: diamond } });
    expect((await call(api.saveWorkflow, { token, params: params("stale"), body: { baseVersion: 1, spec: diamond, message: "mine" } })).status).toBe(200);
    const stale = await call(api.saveWorkflow, { token, params: params("stale"), body: { baseVersion: 1, spec: diamond } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("stale_version");
    expect(stale.body.latest).toMatchObject({ version: 2, author: { name: expect.stringContaining("client") } });
    expect(stale.body.latest.createdAt).toMatch(/^\d{4}-/);
  });

  it("finds a call that loops back through stored versions of other workflows", async () => {
    const callStep = (workflow: string, version: number) => ({ name: `call-${workflow}`, kind: "workflow", call: { workflow, version } });
    expect((await call(api.createWorkflow, { token, params: params(), body: { name: "loop-leaf", spec: {} } })).status).toBe(201);
    expect((await call(api.createWorkflow, { token, params: params(), body: { name: "loop-middle", spec: { steps: [callStep("loop-leaf", 1)] } } })).status).toBe(201);
    expect((await call(api.createWorkflow, { token, params: params(), body: { name: "loop-top", spec: { steps: [callStep("loop-middle", 1)] } } })).status).toBe(201);
    const looping = await call(api.saveWorkflow, { token, params: params("loop-leaf"), body: { baseVersion: 1, spec: { steps: [callStep("loop-top", 1)] } } });
    expect(looping.status).toBe(400);
    expect(looping.body.problems).toEqual([expect.objectContaining({ code: "recursive-call", message: expect.stringContaining("loop-top v1 → loop-middle v1 → loop-leaf v1") })]);
  });

  it("answers 400 with per-step problems for an invalid graph, and validates without saving", async () => {
    const broken = {
      steps: [
        container("A", { dependsOn: ["B"] }),
        container("B", { dependsOn: ["A"] }),
        container("bad name!"),
        container("C", {}, secretEnv("missing-secret")),
      ],
    };
    const created = await call(api.createWorkflow, { token, params: params(), body: { name: "broken", spec: broken } });
    expect(created.status).toBe(400);
    expect(created.body.code).toBe("invalid_workflow");
    const codes = created.body.problems.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(["cycle", "invalid-step-name", "unknown-secret"]));
    expect(created.body.problems.find((p: { code: string }) => p.code === "unknown-secret").step).toEqual(["C"]);
    expect(created.body.errors.length).toBe(created.body.problems.length);

    const validated = await call(api.validateWorkflow, { token: readToken, params: params("broken"), body: { spec: broken } });
    expect(validated.status).toBe(200);
    expect(validated.body.valid).toBe(false);
    expect(validated.body.problems.length).toBe(created.body.problems.length);

    const ok = await call(api.validateWorkflow, { token: readToken, params: params("anything"), body: { spec: { steps: [container("C", {}, secretEnv("db-password"))] } } });
    expect(ok.body).toEqual({ valid: true, problems: [] });

    const malformed = await call(api.createWorkflow, { token, params: params(), body: { name: "Not_DNS", spec: { steps: [{ name: "x", kind: "teleport" }] } } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("validation_failed");
    expect(malformed.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["name"]));
  });

  it("exports Argo YAML that validates against the schema, and Sluice JSON that imports back", async () => {
    await call(api.createWorkflow, { token, params: params(), body: { name: "exported", spec: diamond } });
    const response = await api.exportWorkflow.handle(
      new Request(`http://localhost/api/v1/workspaces/${wsId}/workflows/exported/export?format=argo`, { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve(params("exported")) },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("exported-v1.argo.yaml");
    const manifest = parseYaml(await response.text());
    const validate = argoValidator("Workflow");
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);

    const sluice = await api.exportWorkflow.handle(
      new Request(`http://localhost/api/v1/workspaces/${wsId}/workflows/exported/export?format=sluice&version=1`, { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve(params("exported")) },
    );
    const document = JSON.parse(await sluice.text());
    const reimported = await call(api.importWorkflow, { token, params: params(), query: { name: "reimported" }, body: document });
    expect(reimported.status).toBe(201);
    expect(reimported.body.workflow.version.spec).toEqual((await call(api.getWorkflow, { token, params: params("exported") })).body.version.spec);
  });

  it("imports Argo YAML (dag-diamond) keeping task names, with warnings for what it cannot represent", async () => {
    const yaml = readFileSync(path.join(ARGO_EXAMPLES_DIR, "dag-diamond.yaml"), "utf8");
    const imported = await call(api.importWorkflow, { token, params: params(), rawBody: yaml, headers: { "content-type": "application/yaml" } });
    expect(imported.status).toBe(201);
    const steps = imported.body.workflow.version.spec.steps as { name: string; dependsOn: string[] }[];
    expect(steps.map((s) => s.name).sort()).toEqual(["A", "B", "C", "D"]);
    expect(steps.find((s) => s.name === "D")!.dependsOn.sort()).toEqual(["B", "C"]);

    const cron = readFileSync(path.join(ARGO_EXAMPLES_DIR, "cron-workflow.yaml"), "utf8");
    const withWarnings = await call(api.importWorkflow, { token, params: params(), rawBody: cron, headers: { "content-type": "application/yaml" } });
    expect(withWarnings.status).toBe(201);
    expect(withWarnings.body.warnings.length).toBeGreaterThan(0);

    const exitHandlers = readFileSync(path.join(ARGO_EXAMPLES_DIR, "exit-handlers.yaml"), "utf8");
    const withExitHandler = await call(api.importWorkflow, { token, params: params(), rawBody: exitHandlers, headers: { "content-type": "application/yaml" } });
    expect(withExitHandler.status).toBe(201);
    expect(withExitHandler.body).toMatchObject({ warnings: [], problems: [], workflow: { stepCount: 4 } });

    const garbage = await call(api.importWorkflow, { token, params: params(), rawBody: "kind: Deployment\napiVersion: apps/v1\n", headers: { "content-type": "application/yaml" } });
    expect(garbage.status).toBe(400);
  });

  it("answers 400 at once to an Argo document that expands past the step limit", async () => {
    // t0 runs t1 twice, t1 runs t2 twice, …: 2^20 steps once every group holds a copy of its template
    const templates = Array.from({ length: 20 }, (_, i) => ({ name: `t${i}`, dag: { tasks: ["a", "b"].map((name) => ({ name, template: `t${i + 1}` })) } }));
    const document = { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name: "bomb" }, spec: { entrypoint: "t0", templates: [...templates, { name: "t20", container: { image: "busybox" } }] } };
    const started = performance.now();
    const response = await call(api.importWorkflow, { token, params: params(), rawBody: stringifyYaml(document), headers: { "content-type": "application/yaml" } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "invalid_document", title: expect.stringContaining("the import limit is 5000 steps (SLUICE_IMPORT_MAX_STEPS)") });
  });

  it("answers 400 to a spec past the size limits, naming the fields", async () => {
    const group = (name: string) => ({ name, kind: "group", group: { steps: Array.from({ length: 1000 }, (_, i) => container(`s${i}`)) } });
    const huge = await call(api.createWorkflow, { token, params: params(), body: { name: "huge", spec: { steps: ["a", "b", "c", "d", "e"].map(group) } } });
    expect(huge.status).toBe(400);
    expect(huge.body.errors).toEqual([{ path: "spec.steps", message: "A workflow has at most 5000 steps, groups included; this one has 5005." }]);
    const long = await call(api.validateWorkflow, { token, params: params("diamond"), body: { spec: { steps: [container("A", {}, { args: ["x".repeat(64 * 1024 + 1)] })] } } });
    expect(long.status).toBe(400);
    expect(long.body.errors.map((e: { path: string }) => e.path)).toEqual(["spec.steps.0.container.args.0"]);
  });

  it("limits by scope, role and tenant", async () => {
    const noWrite = await call(api.createWorkflow, { token: readToken, params: params(), body: { name: "nope", spec: {} } });
    expect(noWrite.status).toBe(403);
    expect(noWrite.body.code).toBe("insufficient_scope");
    const { saveWorkflow } = await import("./service");
    await expect(saveWorkflow(viewer, { workspaceId: wsId, name: "diamond", baseVersion: 2, spec: diamond as never })).rejects.toMatchObject({ status: 403 });
    for (const [endpoint, name] of [
      [api.listWorkflows, undefined],
      [api.getWorkflow, "diamond"],
      [api.listVersions, "diamond"],
      [api.exportWorkflow, "diamond"],
    ] as const) {
      const response = await call(endpoint, { token: otherTenantToken, params: params(name) });
      expect(response.status, endpoint.spec.path).toBe(404);
    }
    expect((await call(api.getVersion, { token: otherTenantToken, params: params("diamond", 1) })).status).toBe(404);
  });

  it("lists recent workflows across the workspaces the caller may enter, newest first", async () => {
    const { listRecentWorkflows } = await import("./service");
    const { items } = await listRecentWorkflows(viewer);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((row) => row.workspace.id === wsId)).toBe(true);
    const times = items.map((row) => row.workflow.updatedAt);
    expect(times).toEqual([...times].sort().reverse());
    const { operator } = await testTenant("wf-none");
    expect((await listRecentWorkflows(operator)).items).toEqual([]);
  });
});
