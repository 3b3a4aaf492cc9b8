import { describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import type { Step } from "../model";
import { dagShape } from "../spec.testing";
import { ArgoImportError, fromArgo } from "./import";

/** A Workflow around some templates; the entrypoint is the first template. */
function workflow(templates: Record<string, unknown>[], spec: Record<string, unknown> = {}) {
  return { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name: "Test_Flow" }, spec: { entrypoint: templates[0].name, templates, ...spec } };
}
const echo = { name: "echo", inputs: { parameters: [{ name: "message" }] }, container: { image: "busybox", command: ["echo", "{{inputs.parameters.message}}"] } };
const dag = (tasks: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({ name: "main", dag: { tasks }, ...extra });
const stepNamed = (steps: Step[], name: string): Step => {
  const found = steps.find((step) => step.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
};

describe("fromArgo", () => {
  it("rejects documents that are not Argo workflows", () => {
    expect(() => fromArgo("a: [")).toThrow(ArgoImportError);
    expect(() => fromArgo({ kind: "Pod" })).toThrow('Not an Argo workflow: kind must be one of Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, not "Pod".');
    expect(() => fromArgo(workflow([echo], { entrypoint: "nope" }))).toThrow('The entrypoint template "nope" does not exist.');
  });

  it("imports metadata: a DNS name, labels and the description annotation", () => {
    const result = fromArgo({
      ...workflow([echo]),
      metadata: { generateName: "My_Flow-", labels: { team: "data" }, annotations: { "workflows.argoproj.io/description": " Does things. " } },
    });
    expect(result.name).toBe("my-flow");
    expect(result.spec.labels).toEqual({ team: "data" });
    expect(result.spec.description).toBe("Does things.");
  });

  it("turns plain depends expressions and dependencies into dependsOn, and warns about the rest", () => {
    const task = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: "echo", arguments: { parameters: [{ name: "message", value: name }] }, ...extra });
    const result = fromArgo(
      workflow([
        dag([
          task("A"),
          task("B", { dependencies: ["A"] }),
          task("C", { depends: "(A.Succeeded && B)" }),
          task("D", { depends: "A || B.Failed" }),
          task("E", { depends: "!C" }),
        ]),
        echo,
      ]),
    );
    expect(result.spec.steps.map((step) => [step.name, step.dependsOn])).toEqual([
      ["A", []],
      ["B", ["A"]],
      ["C", ["A", "B"]],
      ["D", ["A", "B"]],
      ["E", ["C"]],
    ]);
    expect(result.warnings).toEqual([
      { code: "depends-expression", message: 'depends "A || B.Failed" cannot be represented; imported as: run after "A", "B".', path: "spec.templates[0].dag.tasks[3].depends" },
      { code: "depends-expression", message: 'depends "!C" cannot be represented; imported as: run after "C".', path: "spec.templates[0].dag.tasks[4].depends" },
    ]);
  });

  it("imports arguments as ports: single references become data edges, other text literals with Sluice templates", () => {
    const result = fromArgo(
      workflow(
        [
          dag([
            { name: "gen", template: "gen" },
            {
              name: "use",
              template: "use",
              depends: "gen",
              when: "{{tasks.gen.outputs.result}} != ''",
              arguments: {
                parameters: [
                  { name: "a", value: "{{tasks.gen.outputs.parameters.file}}" },
                  { name: "b", value: "{{workflow.parameters.region}}" },
                  { name: "c", value: "x-{{inputs.parameters.region}}-{{tasks.gen.outputs.result}}" },
                  { name: "d", value: 5 },
                ],
              },
            },
          ]),
          { name: "gen", outputs: { parameters: [{ name: "file", valueFrom: { path: "/tmp/f" } }] }, script: { image: "python", command: ["python"], source: "print(1)" } },
          { name: "use", inputs: { parameters: [{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d" }] }, container: { image: "busybox", args: ["{{inputs.parameters.a}}"] } },
        ],
        { arguments: { parameters: [{ name: "region", value: "eu" }] } },
      ),
    );
    expect(result.warnings).toEqual([]);
    expect(result.spec.inputs).toEqual([{ name: "region", type: "string", required: false, default: "eu" }]);
    const use = stepNamed(result.spec.steps, "use");
    expect(use.inputs).toEqual([
      { name: "a", type: "string", required: true, value: { from: "step", step: "gen", output: "file" } },
      { name: "b", type: "string", required: true, value: { from: "input", name: "region" } },
      { name: "c", type: "string", required: true, value: { from: "literal", value: "x-{{inputs.region}}-{{steps.gen.outputs.result}}" } },
      { name: "d", type: "string", required: true, value: { from: "literal", value: "5" } },
    ]);
    expect(use.when).toBe("{{steps.gen.outputs.result}} != ''");
    // gen is a data source of use, so the explicit dependency is implied
    expect(use.dependsOn).toEqual([]);
    expect(stepNamed(result.spec.steps, "gen").outputs).toEqual([
      { name: "file", type: "string", source: { from: "file", path: "/tmp/f" } },
      { name: "result", type: "string", source: { from: "stdout" } },
    ]);
    expect(use.kind === "container" && use.container.args).toEqual(["{{inputs.a}}"]);
  });

  it("turns steps templates into dependsOn chains and nested templates into groups", () => {
    const result = fromArgo(
      workflow([
        { name: "main", steps: [[{ name: "one", template: "inner", arguments: { parameters: [{ name: "message", value: "hi" }] } }], [{ name: "two", template: "echo", arguments: { parameters: [{ name: "message", value: "a" }] } }, { name: "three", template: "echo", arguments: { parameters: [{ name: "message", value: "b" }] } }], [{ name: "four", template: "echo", arguments: { parameters: [{ name: "message", value: "c" }] } }]] },
        {
          name: "inner",
          inputs: { parameters: [{ name: "message", default: "x" }] },
          outputs: { parameters: [{ name: "said", valueFrom: { parameter: "{{tasks.say.outputs.result}}" } }] },
          dag: { tasks: [{ name: "say", template: "echo", arguments: { parameters: [{ name: "message", value: "{{inputs.parameters.message}}" }] } }] },
        },
        echo,
      ]),
    );
    expect(result.warnings).toEqual([]);
    expect(dagShape(result.spec)).toEqual({
      steps: ["four", "one", "three", "two"],
      edges: ["one -> three (control)", "one -> two (control)", "three -> four (control)", "two -> four (control)"],
      groups: { one: { steps: ["say"], edges: [], groups: {} } },
    });
    const one = stepNamed(result.spec.steps, "one");
    expect(one.kind).toBe("group");
    if (one.kind !== "group") return;
    expect(one.group.inputs).toEqual([{ name: "message", type: "string", required: false, default: "x" }]);
    expect(one.group.outputs).toEqual([{ name: "said", type: "string", value: { from: "step", step: "say", output: "result" } }]);
    expect(one.outputs).toEqual([{ name: "said", type: "string", source: { from: "workflow", output: "said" } }]);
    expect(one.group.steps[0].inputs[0].value).toEqual({ from: "input", name: "message" });
    expect(result.spec.steps.map((step) => [step.name, step.position])).toEqual([
      ["one", { x: 0, y: 0 }],
      ["two", { x: 280, y: 0 }],
      ["three", { x: 280, y: 140 }],
      ["four", { x: 560, y: 0 }],
    ]);
  });

  it("imports loops: withItems, withParam and list types", () => {
    const result = fromArgo(
      workflow(
        [
          dag([
            { name: "literal", template: "echo", withItems: ["a", "b"], arguments: { parameters: [{ name: "message", value: "{{item}}" }] } },
            { name: "json", template: "echo", withParam: '["a", "b"]', arguments: { parameters: [{ name: "message", value: "{{item}}" }] } },
            { name: "param", template: "echo", withParam: "{{workflow.parameters.items}}", arguments: { parameters: [{ name: "message", value: "{{item}}" }] } },
          ]),
          echo,
        ],
        { arguments: { parameters: [{ name: "items", value: '["x"]' }] } },
      ),
    );
    expect(result.spec.steps.map((step) => step.map)).toEqual([
      { over: { from: "literal", value: ["a", "b"] } },
      { over: { from: "literal", value: ["a", "b"] } },
      { over: { from: "input", name: "items" } },
    ]);
    expect(result.spec.inputs[0].type).toBe("json");
  });

  it("imports container, script and http details, retries and timeouts", () => {
    const result = fromArgo(
      workflow([
        dag([
          { name: "c", template: "c" },
          { name: "s", template: "s", continueOn: { failed: true } },
          { name: "h", template: "h" },
        ]),
        {
          name: "c",
          retryStrategy: { limit: 3, retryPolicy: "Always", backoff: { duration: 5, factor: "2", maxDuration: "1m" } },
          timeout: "1m30s",
          container: {
            image: "busybox",
            workingDir: "/work",
            resources: { limits: { cpu: "1", memory: "1Gi" } },
            env: [
              { name: "PLAIN", value: "x" },
              { name: "DB", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
              { name: "TOKEN", valueFrom: { secretKeyRef: { name: "token", key: "value" } } },
            ],
          },
        },
        { name: "s", activeDeadlineSeconds: 120, script: { image: "node:20", command: ["node"], source: "console.log(1)" } },
        {
          name: "h",
          http: { url: "https://x.example", method: "post", timeoutSeconds: 10, headers: [{ name: "Auth", valueFrom: { secretKeyRef: { name: "api", key: "value" } } }], body: "{}", successCondition: "response.statusCode == 200" },
        },
      ]),
    );
    expect(result.warnings).toEqual([]);
    const [c, s, h] = result.spec.steps;
    expect(c.retry).toEqual({ limit: 3, on: "Always", backoff: { duration: "5", factor: 2, maxDuration: "1m" } });
    expect(c.timeout).toBe("90s");
    expect(c.kind === "container" && c.container).toEqual({
      image: "busybox",
      command: [],
      args: [],
      workingDir: "/work",
      resources: { cpu: "1", memory: "1Gi" },
      env: [
        { name: "PLAIN", value: { from: "literal", value: "x" } },
        { name: "DB", value: { from: "secret", name: "db/password" } },
        { name: "TOKEN", value: { from: "secret", name: "token" } },
      ],
    });
    expect(s.timeout).toBe("120s");
    expect(s.continueOnFailure).toBe(true);
    expect(s.kind === "script" && s.script.language).toBe("node");
    expect(h.timeout).toBe("10s");
    expect(h.kind === "http" && h.http).toEqual({
      method: "POST",
      url: "https://x.example",
      headers: [{ name: "Auth", value: { from: "secret", name: "api" } }],
      body: "{}",
      successCondition: "response.statusCode == 200",
    });
  });

  it("reports what it cannot represent, with the path, and keeps the graph whole", () => {
    const result = fromArgo(
      workflow(
        [
          dag([
            { name: "apply", template: "apply" },
            { name: "wait", template: "wait", dependencies: ["apply"], hooks: { exit: { template: "echo" } } },
            { name: "seq", template: "echo", dependencies: ["wait"], withSequence: { count: "3" }, arguments: { parameters: [{ name: "message", value: "{{item}}" }], artifacts: [{ name: "a" }] } },
          ]),
          { name: "apply", resource: { action: "create", manifest: "kind: ConfigMap" } },
          { name: "wait", suspend: {} },
          { ...echo, sidecars: [{ name: "db", image: "postgres" }], volumes: [{ name: "v" }], container: { ...echo.container, volumeMounts: [{ name: "v", mountPath: "/v" }], env: [{ name: "C", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }] } },
        ],
        { serviceAccountName: "runner" },
      ),
    );
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ["unsupported-field", "spec.serviceAccountName"],
      ["unsupported-template", "spec.templates[1].resource"],
      ["lifecycle-hooks", "spec.templates[0].dag.tasks[1].hooks"],
      ["unsupported-template", "spec.templates[2].suspend"],
      ["with-sequence", "spec.templates[0].dag.tasks[2].withSequence"],
      ["artifacts", "spec.templates[0].dag.tasks[2].arguments.artifacts"],
      ["sidecars", "spec.templates[3].sidecars"],
      ["volumes", "spec.templates[3].volumes"],
      ["volumes", "spec.templates[3].container.volumeMounts"],
      ["env-source", "spec.templates[3].container.env[0].valueFrom"],
    ]);
    expect(result.warnings[1].message).toBe('Template "apply" is a resource template, which Sluice cannot run; step "apply" was imported as an empty container step to keep the graph.');
    expect(dagShape(result.spec).edges).toEqual(["apply -> wait (control)", "wait -> seq (control)"]);
    expect(stepNamed(result.spec.steps, "apply").description).toBe('Imported from Argo resource template "apply", which Sluice cannot run.');
  });

  it("warns about recursive templates, templateRefs it cannot map, and Argo-only variables", () => {
    const result = fromArgo(
      workflow([
        { name: "main", steps: [[{ name: "flip", template: "main", when: "{{workflow.namespace}} == x" }], [{ name: "ext", templateRef: { name: "shared", template: "build" } }, { name: "call", templateRef: { name: "child-v3", template: "main" } }]] },
      ]),
    );
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ["recursive-template", "spec.templates[0].steps[0][0]"],
      ["argo-variable", "spec.templates[0].steps[0][0].when"],
      ["template-ref", "spec.templates[0].steps[1][0].templateRef"],
    ]);
    const [flip, ext, call] = result.spec.steps;
    expect(flip.kind).toBe("container");
    expect(ext.kind === "workflow" && ext.call).toEqual({ workflow: "shared", version: 1 });
    expect(call.kind === "workflow" && call.call).toEqual({ workflow: "child", version: 3 });
  });

  it("reads a loop's aggregated output parameters as all outputs, and keeps Argo's retries and workflow variables", () => {
    const odd = { name: "odd", inputs: { parameters: [{ name: "n" }] }, outputs: { parameters: [{ name: "even", valueFrom: { path: "/tmp/even" } }] }, container: { image: "alpine", args: ["{{retries}} {{workflow.uid}}"] } };
    const result = fromArgo(
      workflow([
        {
          name: "main",
          steps: [
            [{ name: "check", template: "odd", arguments: { parameters: [{ name: "n", value: "{{item}}" }] }, withItems: [1, 2] }],
            [{ name: "half", template: "echo", arguments: { parameters: [{ name: "message", value: "{{item.n}} of {{steps.check.outputs.parameters}}" }] }, withParam: "{{steps.check.outputs.parameters}}", when: "{{item.even}} == yes" }],
          ],
        },
        odd,
        echo,
      ]),
    );
    expect(result.warnings).toEqual([]);
    const [check, half] = result.spec.steps;
    expect(check.kind === "container" && check.container.args).toEqual(["{{retries}} {{workflow.uid}}"]);
    expect(half.map?.over).toEqual({ from: "step", step: "check", output: "*" });
    expect(half.when).toBe("{{item.even}} == yes");
    expect(half.inputs[0].value).toEqual({ from: "literal", value: "{{item.n}} of {{steps.check.outputs.*}}" });
  });

  it("imports an output expression choosing between tasks as the first of them that ran", () => {
    const coin = { name: "coin", script: { image: "python", command: ["python"], source: "print('heads')" } };
    const main = (expression: string) =>
      dag(
        [
          { name: "flip", template: "coin" },
          { name: "heads", template: "coin", depends: "flip", when: "{{tasks.flip.outputs.result}} == heads" },
          { name: "tails-side", template: "coin", depends: "flip", when: "{{tasks.flip.outputs.result}} == tails" },
        ],
        { outputs: { parameters: [{ name: "side", valueFrom: { expression } }] } },
      );
    const chosen = { from: "first", of: [{ step: "heads", output: "result" }, { step: "tails-side", output: "result" }] };

    const conditional = fromArgo(workflow([main("tasks['flip'].outputs.result == 'heads' ? tasks.heads.outputs.result : tasks['tails-side'].outputs.result"), coin]));
    expect(conditional.spec.outputs).toEqual([{ name: "side", type: "string", value: chosen }]);
    expect(conditional.warnings.map((w) => [w.code, w.path])).toEqual([["output-first-ran", "spec.templates[0].outputs.parameters[0].valueFrom.expression"]]);
    expect(conditional.spec.steps.map((step) => step.outputs.map((output) => output.name))).toEqual([["result"], ["result"], ["result"]]);

    const exact = fromArgo(workflow([main(`tasks['heads'].status == 'Succeeded' ? tasks["heads"].outputs.result : tasks['tails-side'].outputs.result`), coin]));
    expect([exact.spec.outputs[0].value, exact.warnings]).toEqual([chosen, []]);

    const three = fromArgo(workflow([main("tasks.heads.status == 'Succeeded' ? tasks.heads.outputs.result : tasks.flip.status == 'Succeeded' ? tasks.flip.outputs.result : tasks['tails-side'].outputs.result"), coin]));
    expect(three.spec.outputs[0].value).toEqual({ from: "first", of: [{ step: "heads", output: "result" }, { step: "flip", output: "result" }, { step: "tails-side", output: "result" }] });

    const other = fromArgo(workflow([main("tasks.flip.outputs.result == 'heads' ? 'H' : 'T'"), coin]));
    expect([other.spec.outputs, other.warnings.map((w) => w.code)]).toEqual([[], ["output-expression"]]);
  });

  it("imports the onExit template as the exit handler: a dag's tasks, or one step", () => {
    const notify = { name: "notify", container: { image: "alpine", command: ["sh", "-c"], args: ["echo {{workflow.status}} {{workflow.failures}} {{workflow.parameters.to}}"] } };
    const handler = { name: "handler", steps: [[{ name: "tell", template: "notify" }, { name: "cry", template: "notify", when: "{{workflow.status}} != Succeeded" }]] };
    const args = { arguments: { parameters: [{ name: "to", value: "ops" }] } };
    const graph = fromArgo(workflow([dag([{ name: "work", template: "notify" }]), handler, notify], { onExit: "handler", ...args }));
    expect(graph.warnings).toEqual([]);
    expect(graph.spec.onExit?.map((step) => [step.name, step.when])).toEqual([
      ["tell", undefined],
      ["cry", "{{workflow.status}} != Succeeded"],
    ]);
    const tell = graph.spec.onExit?.[0];
    expect(tell?.kind === "container" && tell.container.args).toEqual(["echo {{workflow.status}} {{workflow.failures}} {{inputs.to}}"]);

    const leaf = fromArgo(workflow([dag([{ name: "work", template: "notify" }]), notify], { onExit: "notify", ...args }));
    expect(leaf.spec.onExit?.map((step) => step.name)).toEqual(["notify"]);

    const missing = fromArgo(workflow([dag([{ name: "work", template: "notify" }]), notify], { onExit: "gone" }));
    expect(missing.spec.onExit).toBeUndefined();
    expect(missing.warnings.map((w) => [w.code, w.path])).toEqual([["exit-handler", "spec.onExit"]]);
  });

  it("keeps task names, shortening the ones Sluice cannot hold", () => {
    const long = "a".repeat(70);
    const result = fromArgo(workflow([dag([{ name: long, template: "echo", arguments: { parameters: [{ name: "message", value: "x" }] } }]), echo]));
    expect(result.spec.steps.map((step) => step.name)).toEqual(["a".repeat(63)]);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([["step-name", "spec.templates[0].dag.tasks[0].name"]]);
  });

  it("imports a CronWorkflow's workflowSpec and reports its schedule", () => {
    const result = fromArgo(stringify({ apiVersion: "argoproj.io/v1alpha1", kind: "CronWorkflow", metadata: { name: "nightly" }, spec: { schedule: "0 2 * * *", workflowSpec: workflow([echo]).spec } }));
    expect(result.name).toBe("nightly");
    expect(result.warnings).toEqual([
      { code: "cron-schedule", message: 'The CronWorkflow schedule "0 2 * * *" is not part of a Sluice workflow: schedule the imported workflow in Sluice.', path: "spec.schedule" },
    ]);
    expect(result.spec.steps.map((step) => step.name)).toEqual(["echo"]);
    expect(result.spec.steps[0].inputs).toEqual([{ name: "message", type: "string", required: true }]);
  });

  it("only uses workflow parameters directly at the top level", () => {
    const result = fromArgo(
      workflow(
        [
          dag([{ name: "g", template: "inner" }]),
          { name: "inner", dag: { tasks: [{ name: "x", template: "echo", arguments: { parameters: [{ name: "message", value: "{{workflow.parameters.p}}!" }] } }] } },
          echo,
        ],
        { arguments: { parameters: [{ name: "p" }] } },
      ),
    );
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      ["argo-variable", "{{workflow.parameters.p}} has no Sluice equivalent (workflow parameters are only visible at the top level in Sluice: pass it as a group input); it was kept as is."],
    ]);
    expect(result.spec.inputs).toEqual([{ name: "p", type: "string", required: true }]);
  });
});

/** Templates t0 … t<levels>: each dag runs the next template twice (twice), the last is a container. */
function doublingChain(levels: number, fanOut = 2) {
  const templates: Record<string, unknown>[] = [];
  for (let i = 0; i < levels; i++) {
    templates.push({ name: `t${i}`, dag: { tasks: Array.from({ length: fanOut }, (_, j) => ({ name: `s${j}`, template: `t${i + 1}` })) } });
  }
  templates.push({ name: `t${levels}`, container: { image: "busybox" } });
  return workflow(templates);
}

const countSteps = (steps: Step[]): number => steps.reduce((total, step) => total + 1 + (step.kind === "group" ? countSteps(step.group.steps) : 0), 0);

describe("fromArgo expansion limits", () => {
  it("refuses a document whose templates expand past the step limit, quickly, naming the limit", () => {
    const started = performance.now();
    expect(() => fromArgo(doublingChain(20))).toThrow(
      "The workflow would have more than 5000 steps once its templates are expanded (every task that runs a dag or steps template becomes a group with a copy of its steps); the import limit is 5000 steps (SLUICE_IMPORT_MAX_STEPS).",
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("takes the limit from SLUICE_IMPORT_MAX_STEPS", () => {
    expect(countSteps(fromArgo(doublingChain(5)).spec.steps)).toBe(62);
    vi.stubEnv("SLUICE_IMPORT_MAX_STEPS", "61");
    try {
      expect(() => fromArgo(doublingChain(5))).toThrow("the import limit is 61 steps");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("builds each template's group once and copies it to the other tasks that run it", () => {
    const { spec, warnings } = fromArgo(doublingChain(3));
    expect(warnings).toEqual([]);
    const [first, second] = spec.steps;
    if (first.kind !== "group" || second.kind !== "group") throw new Error("expected groups");
    expect(dagShape(first.group)).toEqual(dagShape(second.group));
    expect(first.group).not.toBe(second.group);
    expect(first.group.steps[0]).not.toBe(second.group.steps[0]);
  });

  it("refuses groups nested deeper than Sluice allows, also in long chains", () => {
    expect(countSteps(fromArgo(doublingChain(11, 1)).spec.steps)).toBe(11);
    expect(() => fromArgo(doublingChain(12, 1))).toThrow("more than 10 levels deep");
    const started = performance.now();
    expect(() => fromArgo(doublingChain(4000, 1))).toThrow("more than 10 levels deep");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("imports a map wrapper that runs itself as an empty step", () => {
    const wrapper = { name: "main", parallelism: 2, dag: { tasks: [{ name: "again", template: "main", withItems: [1, 2] }] } };
    const { spec, warnings } = fromArgo(workflow([wrapper]));
    expect(warnings.map((w) => w.code)).toEqual(["recursive-template"]);
    expect(spec.steps.map((step) => step.kind)).toEqual(["container"]);
  });
});

