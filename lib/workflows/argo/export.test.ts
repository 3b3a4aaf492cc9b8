import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { WorkflowSpec } from "../model";
import { buildSpec, container, dagShape, diamond } from "../spec.testing";
import { exportToArgo, toArgo, toArgoYaml, type ArgoExportOptions } from "./export";
import { fromArgo } from "./import";
import { argoSchemaErrors } from "./schema.testing";
import type { ArgoManifest, ArgoTask, ArgoTemplate } from "./types";

const WORKFLOW: ArgoExportOptions = { kind: "Workflow" };

/** Exports and checks the manifest against Argo's schema. */
function exportValid(spec: WorkflowSpec, options: ArgoExportOptions = WORKFLOW, name = "wf") {
  const result = exportToArgo(name, spec, options);
  expect(argoSchemaErrors(result.manifest, options.kind)).toEqual([]);
  return result;
}

const template = (manifest: ArgoManifest, name: string): ArgoTemplate => {
  const found = manifest.spec.templates.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no template ${name} in ${manifest.spec.templates.map((t) => t.name).join(", ")}`);
  return found;
};
const task = (manifest: ArgoManifest, name: string, templateName = "main"): ArgoTask => {
  const found = template(manifest, templateName).dag?.tasks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no task ${name} in ${templateName}`);
  return found;
};
const taskTemplate = (manifest: ArgoManifest, name: string, templateName = "main") => template(manifest, task(manifest, name, templateName).template as string);

describe("toArgo", () => {
  it("exports a diamond as the DAG of the main template", () => {
    const { manifest, warnings } = exportValid(diamond());
    expect(warnings).toEqual([]);
    expect(manifest.apiVersion).toBe("argoproj.io/v1alpha1");
    expect(manifest.kind).toBe("Workflow");
    expect(manifest.metadata).toEqual({ generateName: "wf-" });
    expect(manifest.spec.entrypoint).toBe("main");
    expect(template(manifest, "main").dag?.tasks.map((t) => [t.name, t.dependencies])).toEqual([
      ["A", undefined],
      ["B", ["A"]],
      ["C", ["A"]],
      ["D", ["B", "C"]],
    ]);
    expect(taskTemplate(manifest, "D").container).toEqual({ image: "busybox", command: ["echo"], args: ["D"] });
  });

  it("shares identical templates", () => {
    const spec = buildSpec({ steps: [container("A", { container: { image: "x", args: ["same"] } }), container("B", { container: { image: "x", args: ["same"] } })] });
    const { manifest } = exportValid(spec);
    expect(manifest.spec.templates.map((t) => t.name)).toEqual(["main", "A"]);
    expect(task(manifest, "B").template).toBe("A");
  });

  it("exports workflow inputs as arguments and main's inputs, and outputs as global output parameters", () => {
    const spec = buildSpec({
      description: "Nightly export",
      labels: { team: "data" },
      inputs: [
        { name: "region", type: "string", required: true, description: "where" },
        { name: "limit", type: "number", default: 10 },
        { name: "dry-run", type: "boolean" },
      ],
      outputs: [
        { name: "report", type: "string", value: { from: "step", step: "A", output: "out" } },
        { name: "fixed", type: "string", value: { from: "literal", value: "v1" } },
        { name: "echo", type: "string", value: { from: "input", name: "region" } },
      ],
      steps: [container("A", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }], inputs: [{ name: "r", type: "string", value: { from: "input", name: "region" } }] })],
    });
    const { manifest } = exportValid(spec, { kind: "WorkflowTemplate", namespace: "team-a" }, "nightly");
    expect(manifest.metadata).toEqual({ name: "nightly", namespace: "team-a", labels: { team: "data" }, annotations: { "workflows.argoproj.io/description": "Nightly export" } });
    expect(manifest.spec.arguments?.parameters).toEqual([
      { name: "region", description: "where" },
      { name: "limit", value: "10" },
      { name: "dry-run", value: "" },
    ]);
    const main = template(manifest, "main");
    expect(main.inputs?.parameters).toEqual([{ name: "region" }, { name: "limit", default: "10" }, { name: "dry-run", default: "" }]);
    expect(main.outputs?.parameters).toEqual([
      { name: "report", globalName: "report", valueFrom: { parameter: "{{tasks.A.outputs.result}}" } },
      { name: "fixed", globalName: "fixed", valueFrom: { expression: '"v1"' } },
      { name: "echo", globalName: "echo", valueFrom: { expression: '"{{inputs.parameters.region}}"' } },
    ]);
    expect(task(manifest, "A").arguments?.parameters).toEqual([{ name: "r", value: "{{inputs.parameters.region}}" }]);
  });

  it("passes graph inputs, step outputs and items used in a step's body in as parameters", () => {
    const spec = buildSpec({
      inputs: [{ name: "who", type: "string", default: "world" }],
      steps: [
        container("gen", { outputs: [{ name: "list", type: "json", source: { from: "file", path: "/tmp/list.json" } }] }),
        container("each", {
          map: { over: { from: "step", step: "gen", output: "list" } },
          inputs: [{ name: "greeting", type: "string", value: { from: "literal", value: "hello {{inputs.who}}" } }],
          container: { image: "busybox", args: ["{{inputs.greeting}} {{item}} {{inputs.who}}", "{{steps.gen.outputs.list}}"] },
        }),
        container("fixed", { map: { over: { from: "literal", value: ["a", { b: 1 }] } }, container: { image: "busybox", args: ["{{item}}"] } }),
      ],
    });
    const { manifest } = exportValid(spec);
    const each = task(manifest, "each");
    expect(each.withParam).toBe("{{tasks.gen.outputs.parameters.list}}");
    expect(each.dependencies).toEqual(["gen"]);
    expect(each.arguments?.parameters).toEqual([
      { name: "greeting", value: "hello {{inputs.parameters.who}}" },
      { name: "__item", value: "{{item}}" },
      { name: "__input-who", value: "{{inputs.parameters.who}}" },
      { name: "__step-gen-list", value: "{{tasks.gen.outputs.parameters.list}}" },
    ]);
    const body = taskTemplate(manifest, "each");
    expect(body.inputs?.parameters).toEqual([{ name: "greeting" }, { name: "__item" }, { name: "__input-who" }, { name: "__step-gen-list" }]);
    expect(body.container?.args).toEqual(["{{inputs.parameters.greeting}} {{inputs.parameters.__item}} {{inputs.parameters.__input-who}}", "{{inputs.parameters.__step-gen-list}}"]);
    expect(template(manifest, "gen").outputs?.parameters).toEqual([{ name: "list", valueFrom: { path: "/tmp/list.json" } }]);
    expect(task(manifest, "fixed").withItems).toEqual(["a", { b: 1 }]);
  });

  it("wraps a mapped step with parallelism in a DAG template that carries the limit", () => {
    const spec = buildSpec({
      steps: [
        { name: "gen", kind: "script", script: { image: "python:3", language: "python", source: "print('[1,2]')" }, outputs: [{ name: "list", type: "json", source: { from: "stdout" } }] },
        container("each", {
          map: { over: { from: "step", step: "gen", output: "list" }, parallelism: 2 },
          inputs: [{ name: "n", type: "string", value: { from: "literal", value: "{{item}}" } }],
          outputs: [{ name: "out", type: "string", source: { from: "stdout" } }],
          when: "{{steps.gen.outputs.list}} != '[]'",
          continueOnFailure: true,
        }),
        container("after", { inputs: [{ name: "all", type: "json", value: { from: "step", step: "each", output: "out" } }] }),
      ],
    });
    const { manifest } = exportValid(spec);
    const outer = task(manifest, "each");
    expect(outer).toEqual({
      name: "each",
      template: "each-map",
      arguments: { parameters: [{ name: "__step-gen-list", value: "{{tasks.gen.outputs.result}}" }] },
      continueOn: { failed: true },
      dependencies: ["gen"],
    });
    const wrapper = template(manifest, "each-map");
    expect(wrapper.parallelism).toBe(2);
    expect(wrapper.inputs?.parameters).toEqual([{ name: "__step-gen-list" }]);
    expect(wrapper.outputs?.parameters).toEqual([{ name: "out", valueFrom: { parameter: "{{tasks.each.outputs.result}}" } }]);
    expect(wrapper.dag?.tasks).toEqual([
      {
        name: "each",
        template: "each",
        arguments: { parameters: [{ name: "n", value: "{{item}}" }] },
        when: "{{inputs.parameters.__step-gen-list}} != '[]'",
        withParam: "{{inputs.parameters.__step-gen-list}}",
        continueOn: { failed: true },
      },
    ]);
    expect(task(manifest, "after").arguments?.parameters).toEqual([{ name: "all", value: "{{tasks.each.outputs.parameters.out}}" }]);

    const back = fromArgo(manifest);
    expect(back.warnings).toEqual([]);
    expect(dagShape(back.spec)).toEqual(dagShape(spec));
    const each = back.spec.steps.find((step) => step.name === "each");
    expect(each?.map).toEqual({ over: { from: "step", step: "gen", output: "list" }, parallelism: 2 });
    expect(each?.when).toBe("{{steps.gen.outputs.list}} != '[]'");
    expect(each?.outputs).toEqual([{ name: "out", type: "string", source: { from: "stdout" } }]);
    expect(each?.continueOnFailure).toBe(true);
  });

  it("exports retries and timeouts", () => {
    const spec = buildSpec({
      steps: [
        container("A", { retry: { limit: 3, on: "OnError", backoff: { duration: "10s", factor: 2, maxDuration: "5m" } }, timeout: "30s" }),
        container("B", { retry: { limit: 1, backoff: { duration: "1s", factor: 1.5 } } }),
      ],
    });
    const { manifest, warnings } = exportValid(spec);
    expect(taskTemplate(manifest, "A").retryStrategy).toEqual({ limit: "3", retryPolicy: "OnError", backoff: { duration: "10s", factor: "2", maxDuration: "5m" } });
    expect(taskTemplate(manifest, "A").timeout).toBe("30s");
    expect(taskTemplate(manifest, "B").retryStrategy).toEqual({ limit: "1", retryPolicy: "OnFailure", backoff: { duration: "1s", factor: "2" } });
    expect(warnings).toEqual([{ code: "backoff-factor", message: 'Backoff factor 1.5 of step "B" is rounded to 2: Argo takes whole factors.', step: ["B"] }]);
  });

  it("exports a group as a nested DAG template with inputs and outputs", () => {
    const spec = buildSpec({
      steps: [
        {
          name: "G",
          kind: "group",
          retry: { limit: 2 },
          inputs: [{ name: "target", type: "string", value: { from: "literal", value: "prod" } }],
          outputs: [{ name: "code", type: "number", source: { from: "workflow", output: "status" } }],
          group: {
            inputs: [
              { name: "target", type: "string", required: true },
              { name: "mode", type: "string", default: "fast" },
            ],
            outputs: [{ name: "status", type: "number", value: { from: "step", step: "run", output: "exit" } }],
            steps: [container("run", { outputs: [{ name: "exit", type: "number", source: { from: "status" } }], container: { image: "busybox", args: ["{{inputs.target}} {{inputs.mode}}"] } })],
          },
        },
        container("report", { inputs: [{ name: "code", type: "number", value: { from: "step", step: "G", output: "code" } }] }),
      ],
    });
    const { manifest } = exportValid(spec);
    const group = taskTemplate(manifest, "G");
    expect(group.inputs?.parameters).toEqual([{ name: "target" }, { name: "mode", default: "fast" }]);
    expect(group.outputs?.parameters).toEqual([{ name: "status", valueFrom: { parameter: "{{tasks.run.exitCode}}" } }]);
    expect(group.retryStrategy).toEqual({ limit: "2", retryPolicy: "OnFailure" });
    expect(task(manifest, "run", group.name).arguments?.parameters).toEqual([
      { name: "__input-target", value: "{{inputs.parameters.target}}" },
      { name: "__input-mode", value: "{{inputs.parameters.mode}}" },
    ]);
    expect(task(manifest, "G").arguments?.parameters).toEqual([{ name: "target", value: "prod" }]);
    expect(task(manifest, "report").arguments?.parameters).toEqual([{ name: "code", value: "{{tasks.G.outputs.parameters.status}}" }]);
    expect(task(manifest, "report").dependencies).toEqual(["G"]);
  });

  it("exports secrets as secretKeyRefs", () => {
    const spec = buildSpec({
      inputs: [{ name: "token", type: "secret", default: "api-token" }],
      steps: [
        container("A", {
          container: {
            image: "busybox",
            env: [
              { name: "DB_PASSWORD", value: { from: "secret", name: "db-password" } },
              { name: "AWS_KEY", value: { from: "secret", name: "aws/secret-key" } },
              { name: "TOKEN", value: { from: "input", name: "token" } },
              { name: "MODE", value: { from: "literal", value: 3 } },
            ],
          },
        }),
      ],
    });
    const { manifest } = exportValid(spec);
    expect(taskTemplate(manifest, "A").container?.env).toEqual([
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-password", key: "value" } } },
      { name: "AWS_KEY", valueFrom: { secretKeyRef: { name: "aws", key: "secret-key" } } },
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "{{inputs.parameters.__input-token}}", key: "value" } } },
      { name: "MODE", value: "3" },
    ]);
    expect(manifest.spec.arguments?.parameters).toEqual([{ name: "token", value: "api-token" }]);

    const custom = exportValid(spec, { kind: "Workflow", secretKeyRef: (secret) => ({ name: "sluice-secrets", key: secret }) }).manifest;
    expect(taskTemplate(custom, "A").container?.env?.[0]).toEqual({ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "sluice-secrets", key: "db-password" } } });
  });

  it("warns when a secret would travel as a plain parameter, and about empty workflows", () => {
    const spec = buildSpec({ steps: [container("A", { inputs: [{ name: "key", type: "secret", value: { from: "secret", name: "db-password" } }] })] });
    const { manifest, warnings } = exportValid(spec);
    expect(task(manifest, "A").arguments?.parameters).toEqual([{ name: "key", value: "db-password" }]);
    expect(warnings).toEqual([
      {
        code: "secret-parameter",
        message: 'Input "key" of step "A" holds a secret, but Argo parameters are plain text: the secret\'s name is passed, not its value. Read secrets through environment variables.',
        step: ["A"],
      },
    ]);
    expect(exportToArgo("wf", buildSpec({}), WORKFLOW).warnings).toEqual([{ code: "empty-workflow", message: "The workflow has no steps; Argo rejects a DAG without tasks." }]);
  });

  it("exports http steps as http templates", () => {
    const spec = buildSpec({
      inputs: [{ name: "host", type: "string", default: "api.example.com" }],
      steps: [
        {
          name: "H",
          kind: "http",
          timeout: "2m",
          http: {
            method: "POST",
            url: "https://{{inputs.host}}/items",
            headers: [
              { name: "Authorization", value: { from: "secret", name: "api-token" } },
              { name: "Content-Type", value: { from: "literal", value: "application/json" } },
            ],
            body: '{"name": "{{inputs.name}}"}',
            successCondition: "response.statusCode == 201",
          },
          inputs: [{ name: "name", type: "string", value: { from: "literal", value: "x" } }],
          outputs: [
            { name: "id", type: "string", source: { from: "body", jsonPath: "$.id" } },
            { name: "raw", type: "string", source: { from: "body" } },
            { name: "code", type: "number", source: { from: "status" } },
          ],
        },
        container("use", {
          inputs: [
            { name: "id", type: "string", value: { from: "step", step: "H", output: "id" } },
            { name: "raw", type: "string", value: { from: "step", step: "H", output: "raw" } },
          ],
        }),
      ],
    });
    const { manifest, warnings } = exportValid(spec);
    const http = taskTemplate(manifest, "H");
    expect(http.http).toEqual({
      url: "https://{{inputs.parameters.__input-host}}/items",
      method: "POST",
      headers: [
        { name: "Authorization", valueFrom: { secretKeyRef: { name: "api-token", key: "value" } } },
        { name: "Content-Type", value: "application/json" },
      ],
      body: '{"name": "{{inputs.parameters.name}}"}',
      successCondition: "response.statusCode == 201",
      timeoutSeconds: 120,
    });
    expect(http.timeout).toBe("2m");
    expect(task(manifest, "use").arguments?.parameters).toEqual([
      { name: "id", value: "{{=jsonpath(tasks['H'].outputs.result, '$.id')}}" },
      { name: "raw", value: "{{tasks.H.outputs.result}}" },
    ]);
    expect(warnings).toEqual([{ code: "unsupported-output", message: 'Output "code" of step "H" reads the response status, which Argo\'s http template does not expose.', step: ["H"] }]);
  });

  it("exports when conditions and continueOnFailure", () => {
    const spec = buildSpec({
      steps: [
        container("A", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }], continueOnFailure: true }),
        container("B", {
          dependsOn: ["A"],
          inputs: [{ name: "threshold", type: "string", value: { from: "literal", value: "5" } }],
          when: "{{steps.A.outputs.out}} > {{inputs.threshold}}",
        }),
      ],
    });
    const { manifest } = exportValid(spec);
    expect(task(manifest, "A").continueOn).toEqual({ failed: true });
    expect(task(manifest, "B").when).toBe("{{tasks.A.outputs.result}} > 5");
  });

  it("refers to a called workflow's WorkflowTemplate unless it can inline it", () => {
    const spec = buildSpec({
      steps: [
        {
          name: "call",
          kind: "workflow",
          call: { workflow: "child", version: 2 },
          timeout: "1h",
          inputs: [{ name: "url", type: "string", value: { from: "literal", value: "https://x" } }],
          outputs: [{ name: "report", type: "string", source: { from: "workflow", output: "summary" } }],
        },
        container("use", { inputs: [{ name: "r", type: "string", value: { from: "step", step: "call", output: "report" } }] }),
      ],
    });
    const ref = exportValid(spec);
    expect(task(ref.manifest, "call")).toEqual({
      name: "call",
      templateRef: { name: "child-v2", template: "main" },
      arguments: { parameters: [{ name: "url", value: "https://x" }] },
    });
    expect(task(ref.manifest, "use").arguments?.parameters).toEqual([{ name: "r", value: "{{tasks.call.outputs.parameters.summary}}" }]);
    expect(ref.warnings.map((w) => w.code)).toEqual(["call-execution"]);

    const child = buildSpec({
      inputs: [{ name: "url", type: "string", required: true }],
      outputs: [{ name: "summary", type: "string", value: { from: "step", step: "fetch", output: "out" } }],
      steps: [container("fetch", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }], container: { image: "curl", args: ["{{inputs.url}}"] } })],
    });
    const inline = exportValid(spec, { kind: "Workflow", resolveCall: (workflow, version) => (workflow === "child" && version === 2 ? child : undefined) });
    expect(inline.warnings).toEqual([]);
    const callee = taskTemplate(inline.manifest, "call");
    expect(callee.name).toBe("child-v2");
    expect(callee.timeout).toBe("1h");
    expect(callee.outputs?.parameters).toEqual([{ name: "summary", valueFrom: { parameter: "{{tasks.fetch.outputs.result}}" } }]);
    expect(taskTemplate(inline.manifest, "fetch", "child-v2").name).toBe("child-v2-fetch");
  });

  it("stops inlining recursive calls", () => {
    const loop = buildSpec({ steps: [{ name: "again", kind: "workflow", call: { workflow: "loop", version: 1 } }] });
    const { manifest, warnings } = exportValid(loop, { kind: "Workflow", resolveCall: () => loop });
    expect(task(manifest, "again", "loop-v1").templateRef).toEqual({ name: "loop-v1", template: "main" });
    expect(warnings.map((w) => w.code)).toEqual(["recursive-call"]);
  });

  it("refers to one template per called workflow version, however many paths reach it", () => {
    const chain = (length: number) => {
      const specs = new Map<string, WorkflowSpec>();
      const call = (name: string, workflow: string, extra: Record<string, unknown> = {}) => ({
        name,
        kind: "workflow",
        call: { workflow, version: 1 },
        inputs: [{ name: "x", type: "string", value: { from: "input", name: "x" } }],
        ...extra,
      });
      for (let i = 0; i < length; i++) {
        const next = `w${i + 1}`;
        const steps = i === length - 1 ? [container("leaf", { container: { image: "busybox", args: ["{{inputs.x}}"] } })] : [call("a", next), call("b", next, { dependsOn: ["a"] })];
        specs.set(`w${i}`, buildSpec({ inputs: [{ name: "x", type: "string", required: true }], steps }));
      }
      return { root: specs.get("w0") as WorkflowSpec, resolveCall: (workflow: string) => specs.get(workflow) };
    };
    const { root, resolveCall } = chain(12);
    const { manifest, warnings } = exportValid(root, { kind: "Workflow", resolveCall });
    expect(warnings).toEqual([]);
    expect(toArgoYaml("wf", root, { kind: "Workflow", resolveCall }).length).toBeLessThan(200 * 1024);
    expect(manifest.spec.templates.map((t) => t.name).sort()).toEqual(["main", ...Array.from({ length: 11 }, (_, i) => `w${i + 1}-v1`), "w11-v1-leaf"].sort());
    expect(template(manifest, "w3-v1").dag?.tasks.map((t) => t.template)).toEqual(["w4-v1", "w4-v1"]);

    const deep = chain(24);
    const started = performance.now();
    expect(exportToArgo("wf", deep.root, { kind: "Workflow", resolveCall: deep.resolveCall }).manifest.spec.templates).toHaveLength(25);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("gives a call site with its own timeout a copy of the callee's DAG, sharing the rest", () => {
    const child = buildSpec({ steps: [container("work")] });
    const spec = buildSpec({
      steps: [
        { name: "a", kind: "workflow", call: { workflow: "child", version: 1 } },
        { name: "b", kind: "workflow", call: { workflow: "child", version: 1 } },
        { name: "c", kind: "workflow", call: { workflow: "child", version: 1 }, timeout: "5m" },
      ],
    });
    const { manifest } = exportValid(spec, { kind: "Workflow", resolveCall: () => child });
    expect(["a", "b", "c"].map((name) => task(manifest, name).template)).toEqual(["child-v1", "child-v1", "child-v1-2"]);
    expect(template(manifest, "child-v1-2")).toEqual({ ...template(manifest, "child-v1"), name: "child-v1-2", timeout: "5m" });
    expect(manifest.spec.templates.map((t) => t.name)).toEqual(["main", "child-v1-work", "child-v1", "child-v1-2"]);
  });

  it("passes {{item.<key>}} into leaf templates and reads it back", () => {
    const spec = buildSpec({
      steps: [
        container("each", {
          map: { over: { from: "literal", value: [{ id: 1 }, { id: 2 }] } },
          when: "{{item.id}} > 0",
          container: { image: "busybox", args: ["{{item.id}}", "{{ item }}"] },
        }),
      ],
    });
    const { manifest } = exportValid(spec);
    expect(task(manifest, "each").when).toBe("{{item.id}} > 0");
    expect(task(manifest, "each").arguments?.parameters).toEqual([
      { name: "__item-id", value: "{{item.id}}" },
      { name: "__item", value: "{{item}}" },
    ]);
    expect(taskTemplate(manifest, "each").container?.args).toEqual(["{{inputs.parameters.__item-id}}", "{{inputs.parameters.__item}}"]);
    const back = fromArgo(manifest);
    expect(back.warnings).toEqual([]);
    const each = back.spec.steps[0];
    expect(each.when).toBe("{{item.id}} > 0");
    expect(each.kind === "container" && each.container.args).toEqual(["{{item.id}}", "{{item}}"]);
  });

  it("exports every script language with its interpreter", () => {
    const script = (name: string, language: string) => ({ name, kind: "script", script: { image: "img", language, source: "run", resources: { cpu: "500m", memory: "1Gi" } } });
    const { manifest } = exportValid(buildSpec({ steps: [script("sh", "shell"), script("py", "python"), script("js", "node")] }));
    expect(["sh", "py", "js"].map((name) => taskTemplate(manifest, name).script?.command)).toEqual([["sh"], ["python"], ["node"]]);
    expect(taskTemplate(manifest, "py").script?.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } });
  });

  it("exports all outputs, outputs chosen from the step that ran, and Argo's own variables", () => {
    const spec = buildSpec({
      steps: [
        container("gen", { outputs: [{ name: "n", type: "string", source: { from: "file", path: "/tmp/n" } }], map: { over: { from: "literal", value: [1, 2] } } }),
        container("each", { map: { over: { from: "step", step: "gen", output: "*" } }, when: "{{item.n}} == 2", container: { image: "busybox", args: ["try {{retries}} of {{workflow.name}}"] } }),
        container("heads", { outputs: [{ name: "result", type: "string", source: { from: "stdout" } }], when: "{{workflow.status}} == Running" }),
        container("flip-side", { outputs: [{ name: "result", type: "string", source: { from: "stdout" } }] }),
      ],
      outputs: [{ name: "side", type: "string", value: { from: "first", of: [{ step: "heads", output: "result" }, { step: "flip-side", output: "result" }] } }],
    });
    const { manifest, warnings } = exportValid(spec);
    expect(warnings).toEqual([]);
    expect(task(manifest, "each")).toMatchObject({ withParam: "{{tasks.gen.outputs.parameters}}", when: "{{item.n}} == 2" });
    expect(taskTemplate(manifest, "each").container?.args).toEqual(["try {{retries}} of {{workflow.name}}"]);
    expect(task(manifest, "heads").when).toBe("{{workflow.status}} == Running");
    expect(template(manifest, "main").outputs?.parameters).toEqual([
      { name: "side", globalName: "side", valueFrom: { expression: "tasks['heads'].status == 'Succeeded' ? tasks.heads.outputs.result : tasks['flip-side'].outputs.result" } },
    ]);
    const back = fromArgo(toArgoYaml("wf", spec, WORKFLOW));
    expect(back.warnings).toEqual([]);
    expect(back.spec.outputs[0].value).toEqual(spec.outputs[0].value);
    expect(back.spec.steps[1].map?.over).toEqual({ from: "step", step: "gen", output: "*" });
  });

  it("exports the exit handler as the onExit DAG, reading workflow inputs as workflow parameters", () => {
    const spec = buildSpec({
      inputs: [{ name: "to", type: "string", default: "ops" }],
      steps: [container("work")],
      onExit: [container("notify", { container: { image: "busybox", args: ["{{inputs.to}}: {{workflow.status}} after {{workflow.duration}}s"] } }), container("cry", { when: "{{workflow.status}} != Succeeded", dependsOn: ["notify"] })],
    });
    const { manifest } = exportValid(spec);
    expect(manifest.spec.onExit).toBe("exit-handler");
    const handler = template(manifest, "exit-handler");
    expect(handler.inputs).toBeUndefined();
    expect(handler.dag?.tasks.map((t) => [t.name, t.dependencies, t.when])).toEqual([
      ["notify", undefined, undefined],
      ["cry", ["notify"], "{{workflow.status}} != Succeeded"],
    ]);
    expect(taskTemplate(manifest, "notify", "exit-handler").container?.args).toEqual(["{{inputs.parameters.__input-to}}: {{workflow.status}} after {{workflow.duration}}s"]);
    expect(task(manifest, "notify", "exit-handler").arguments?.parameters).toEqual([{ name: "__input-to", value: "{{workflow.parameters.to}}" }]);
    const back = fromArgo(toArgoYaml("wf", spec, WORKFLOW));
    expect(back.warnings).toEqual([]);
    expect(back.spec.onExit).toEqual(spec.onExit);
  });

  it("writes YAML that reads back as the same manifest", () => {
    const spec = diamond();
    expect(parse(toArgoYaml("wf", spec, WORKFLOW))).toEqual(toArgo("wf", spec, WORKFLOW));
  });

  it("round-trips a spec through Argo with its DAG, data edges and settings", () => {
    const spec = buildSpec({
      inputs: [{ name: "items", type: "json", default: [1, 2] }],
      steps: [
        container("prep", { outputs: [{ name: "cfg", type: "string", source: { from: "file", path: "/tmp/cfg" } }], retry: { limit: 2 }, timeout: "10m" }),
        container("each", {
          map: { over: { from: "input", name: "items" } },
          inputs: [{ name: "cfg", type: "string", value: { from: "step", step: "prep", output: "cfg" } }],
          container: { image: "busybox", args: ["{{inputs.cfg}} {{item}}"], env: [{ name: "CFG", value: { from: "step", step: "prep", output: "cfg" } }] },
        }),
        container("done", { dependsOn: ["each"] }),
      ],
    });
    const { manifest } = exportValid(spec);
    const back = fromArgo(manifest);
    expect(back.warnings).toEqual([]);
    expect(dagShape(back.spec)).toEqual(dagShape(spec));
    const each = back.spec.steps[1];
    expect(each.map).toEqual({ over: { from: "input", name: "items" } });
    expect(each.kind === "container" && each.container).toEqual({ image: "busybox", command: [], args: ["{{inputs.cfg}} {{item}}"], env: [{ name: "CFG", value: { from: "step", step: "prep", output: "cfg" } }] });
    expect(back.spec.steps[0].retry).toEqual({ limit: 2, on: "OnFailure" });
    expect(back.spec.steps[0].timeout).toBe("10m");
    expect(back.spec.inputs).toEqual([{ name: "items", type: "json", required: false, default: "[1,2]" }]);
  });
});
