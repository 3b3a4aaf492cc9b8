import { describe, expect, it } from "vitest";
import { STEPS_PER_GRAPH_MAX, TOTAL_STEPS_MAX } from "./limits";
import type { Problem, WorkflowSpec } from "./model";
import { buildSpec, container, diamond } from "./spec.testing";
import { describeProblem, formatField, graphEdges, validateWorkflow, type ValidationContext } from "./validate";

const callee = {
  version: 1,
  inputs: [
    { name: "url", type: "string" as const, required: true },
    { name: "retries", type: "number" as const, required: false, default: 3 },
  ],
  outputs: [{ name: "report", type: "json" as const, value: { from: "step" as const, step: "x", output: "y" } }],
  calls: [],
};

const ctx: ValidationContext = {
  secretNames: ["db-password"],
  workflows: [
    { name: "child", versions: [callee, { ...callee, version: 3 }] },
    { name: "loop-a", versions: [{ version: 1, inputs: [], outputs: [], calls: [{ workflow: "loop-b", version: 1 }] }] },
    { name: "loop-b", versions: [{ version: 1, inputs: [], outputs: [], calls: [{ workflow: "loop-a", version: 1 }] }] },
    { name: "middle", versions: [{ version: 2, inputs: [], outputs: [], calls: [{ workflow: "me", version: 1 }] }] },
  ],
  self: { name: "me" },
};

const check = (input: Record<string, unknown>, context: ValidationContext = ctx) => validateWorkflow(buildSpec(input), context);
const withCode = (problems: Problem[], code: string) => problems.filter((problem) => problem.code === code);

/** A step with one typed output. */
const producer = (name: string, output: Record<string, unknown>, extra: Record<string, unknown> = {}) => container(name, { outputs: [output], ...extra });
const stdout = (name: string, type = "string") => ({ name, type, source: { from: "stdout" } });

describe("validateWorkflow: valid specs", () => {
  it("finds no problem in a diamond", () => {
    expect(validateWorkflow(diamond(), ctx)).toEqual([]);
  });

  it("finds no problem in a spec that uses every feature correctly", () => {
    const problems = check({
      inputs: [
        { name: "items", type: "json", required: true },
        { name: "token", type: "secret", default: "db-password" },
        { name: "count", type: "number", default: 2 },
      ],
      outputs: [{ name: "report", type: "json", value: { from: "step", step: "call", output: "report" } }],
      steps: [
        producer("gen", stdout("list", "json")),
        producer("count", stdout("n", "number")),
        container("each", {
          map: { over: { from: "step", step: "gen", output: "list" }, parallelism: 2 },
          inputs: [
            { name: "n", type: "string", value: { from: "step", step: "count", output: "n" } },
            { name: "label", type: "string", value: { from: "literal", value: "item {{item}} of {{inputs.count}}" } },
          ],
          container: {
            image: "busybox",
            args: ["{{inputs.n}} {{item}} {{steps.gen.outputs.list}}"],
            env: [
              { name: "PASSWORD", value: { from: "secret", name: "db-password" } },
              { name: "TOKEN", value: { from: "input", name: "token" } },
            ],
          },
          outputs: [{ name: "out", type: "string", source: { from: "file", path: "/tmp/out" } }],
          retry: { limit: 3, backoff: { duration: "10s", factor: 2, maxDuration: "1m30s" } },
          timeout: "5m",
          when: "{{steps.count.outputs.n}} > 0",
        }),
        {
          name: "call",
          kind: "workflow",
          call: { workflow: "child", version: 1 },
          dependsOn: ["each"],
          inputs: [{ name: "url", type: "string", value: { from: "literal", value: "https://example.com" } }],
          outputs: [{ name: "report", type: "json", source: { from: "workflow", output: "report" } }],
        },
        {
          name: "grp",
          kind: "group",
          inputs: [{ name: "list", type: "json", value: { from: "step", step: "each", output: "out" } }],
          outputs: [{ name: "status", type: "number", source: { from: "workflow", output: "status" } }],
          group: {
            inputs: [{ name: "list", type: "json", required: true }],
            outputs: [{ name: "status", type: "number", value: { from: "step", step: "post", output: "status" } }],
            steps: [
              {
                name: "post",
                kind: "http",
                http: {
                  method: "POST",
                  url: "https://api.example.com/{{inputs.path}}",
                  body: "{{inputs.list}}",
                  headers: [{ name: "Authorization", value: { from: "secret", name: "db-password" } }],
                },
                inputs: [{ name: "path", type: "string", value: { from: "literal", value: "v1" } }],
                outputs: [{ name: "status", type: "number", source: { from: "status" } }],
              },
            ],
          },
        },
      ],
    });
    expect(problems).toEqual([]);
  });

  it("accepts a secret set and calls to other versions", () => {
    const problems = check(
      { steps: [{ name: "c", kind: "workflow", call: { workflow: "child", version: 3 }, inputs: [{ name: "url", type: "string", value: { from: "literal", value: "x" } }] }] },
      { ...ctx, secretNames: new Set(["db-password"]) },
    );
    expect(problems).toEqual([]);
  });
});

describe("validateWorkflow: cycles", () => {
  it("names the steps of a cycle over dependsOn and data references", () => {
    const problems = check({
      steps: [
        producer("A", stdout("out"), { dependsOn: ["C"] }),
        producer("B", stdout("out"), { inputs: [{ name: "in", type: "string", value: { from: "step", step: "A", output: "out" } }] }),
        producer("C", stdout("out"), { dependsOn: ["B"] }),
        container("D", { dependsOn: ["A"] }),
      ],
    });
    expect(problems).toEqual([{ code: "cycle", message: 'Steps "A" → "B" → "C" → "A" form a cycle.', step: ["A"], edge: { from: "C", to: "A", scope: [] } }]);
  });

  it("reports a step that depends on itself, and cycles inside groups", () => {
    const problems = check({
      steps: [
        container("A", { dependsOn: ["A"] }),
        { name: "G", kind: "group", group: { steps: [container("x", { dependsOn: ["y"] }), container("y", { dependsOn: ["x"] })] } },
      ],
    });
    // a group's own problems come with the group step, before the problems of its parent graph's shape
    expect(problems).toEqual([
      { code: "cycle", message: 'Steps "x" → "y" → "x" form a cycle.', step: ["G", "x"], edge: { from: "y", to: "x", scope: ["G"] } },
      { code: "cycle", message: 'Step "A" depends on itself.', step: ["A"], edge: { from: "A", to: "A", scope: [] } },
    ]);
  });
});

describe("validateWorkflow: references", () => {
  it("reports dependsOn and data references to unknown steps", () => {
    const problems = check({
      steps: [container("B", { dependsOn: ["X"], inputs: [{ name: "in", type: "string", value: { from: "step", step: "Y", output: "out" } }] })],
    });
    expect(problems).toEqual([
      { code: "unknown-step", message: 'Input "in" of step "B" reads step "Y", which is not a step of the workflow.', step: ["B"], field: ["inputs", 0, "value"], edge: { from: "Y", to: "B", scope: [] } },
      { code: "unknown-step", message: 'Step "B" depends on "X", which is not a step of the workflow.', step: ["B"], field: ["dependsOn", 0], edge: { from: "X", to: "B", scope: [] } },
    ]);
  });

  it("reports step outputs that the referenced step does not declare", () => {
    const problems = check({
      steps: [producer("A", stdout("out")), container("B", { inputs: [{ name: "in", type: "string", value: { from: "step", step: "A", output: "nope" } }] })],
    });
    expect(problems).toEqual([
      {
        code: "unknown-output",
        message: 'Input "in" of step "B" reads output "nope" of step "A", which that step does not declare.',
        step: ["B"],
        field: ["inputs", 0, "value"],
        edge: { from: "A", to: "B", scope: [] },
      },
    ]);
  });

  it("reports inputs the enclosing graph does not declare, at the workflow and in groups", () => {
    const problems = check({
      inputs: [{ name: "outer", type: "string" }],
      outputs: [{ name: "o", type: "string", value: { from: "input", name: "missing" } }],
      steps: [
        container("A", { inputs: [{ name: "in", type: "string", value: { from: "input", name: "nope" } }] }),
        {
          name: "G",
          kind: "group",
          group: { steps: [container("x", { inputs: [{ name: "in", type: "string", value: { from: "input", name: "outer" } }] })] },
        },
      ],
    });
    expect(problems).toEqual([
      { code: "unknown-input", message: 'Input "in" of step "A" reads input "nope", which the workflow does not declare.', step: ["A"], field: ["inputs", 0, "value"] },
      { code: "unknown-input", message: 'Input "in" of step "G/x" reads input "outer", which group "G" does not declare.', step: ["G", "x"], field: ["inputs", 0, "value"] },
      { code: "unknown-input", message: 'Output "o" of the workflow reads input "missing", which the workflow does not declare.', field: ["outputs", 0, "value"] },
    ]);
  });

  it("reports graph outputs that read unknown steps or outputs", () => {
    const problems = check({
      outputs: [
        { name: "a", type: "string", value: { from: "step", step: "ghost", output: "x" } },
        { name: "b", type: "string", value: { from: "step", step: "A", output: "x" } },
      ],
      steps: [container("A")],
    });
    expect(problems).toEqual([
      { code: "unknown-step", message: 'Output "a" of the workflow reads step "ghost", which is not a step of the workflow.', field: ["outputs", 0, "value"] },
      { code: "unknown-output", message: 'Output "b" of the workflow reads output "x" of step "A", which that step does not declare.', field: ["outputs", 1, "value"] },
    ]);
  });
});

describe("validateWorkflow: templates", () => {
  const base = { inputs: [{ name: "who", type: "string" }] };

  it("resolves {{inputs.x}} to the step's ports, then the graph's inputs", () => {
    const problems = check({
      ...base,
      steps: [
        container("A", {
          inputs: [{ name: "port", type: "string", value: { from: "literal", value: "{{inputs.who}}" } }],
          container: { image: "busybox", args: ["{{inputs.port}} {{inputs.who}} {{ inputs.nope }}"] },
        }),
      ],
    });
    expect(problems).toEqual([
      {
        code: "unknown-input",
        message: '{{ inputs.nope }} in container.args[0] of step "A" does not resolve: neither the step nor the workflow has input "nope".',
        step: ["A"],
        field: ["container", "args", 0],
      },
    ]);
  });

  it("does not let a port's literal read a sibling port", () => {
    const problems = check({
      steps: [
        container("A", {
          inputs: [
            { name: "a", type: "string", value: { from: "literal", value: "x" } },
            { name: "b", type: "string", value: { from: "literal", value: "{{inputs.a}}" } },
          ],
        }),
      ],
    });
    expect(problems).toEqual([
      { code: "unknown-input", message: '{{inputs.a}} in the value of input "b" of step "A" does not resolve: the workflow has no input "a".', step: ["A"], field: ["inputs", 1, "value", "value"] },
    ]);
  });

  it("reports step references that are unknown, undeclared or not upstream", () => {
    const problems = check({
      steps: [
        producer("A", stdout("out")),
        producer("B", stdout("out")),
        producer("C", stdout("out"), {
          dependsOn: ["A"],
          when: "{{steps.B.outputs.out}} == 1",
          container: { image: "busybox", args: ["{{steps.A.outputs.out}}", "{{steps.Z.outputs.out}}", "{{steps.A.outputs.nope}}", "{{steps.C.outputs.out}}"] },
        }),
      ],
    });
    expect(problems).toEqual([
      { code: "not-upstream", message: '{{steps.B.outputs.out}} in when of step "C" reads step "B", which is not upstream of it: make it depend on "B".', step: ["C"], field: ["when"] },
      { code: "unknown-step", message: '{{steps.Z.outputs.out}} in container.args[1] of step "C" reads step "Z", which is not a step of the workflow.', step: ["C"], field: ["container", "args", 1] },
      {
        code: "unknown-output",
        message: '{{steps.A.outputs.nope}} in container.args[2] of step "C" reads output "nope" of step "A", which that step does not declare.',
        step: ["C"],
        field: ["container", "args", 2],
      },
      { code: "not-upstream", message: '{{steps.C.outputs.out}} in container.args[3] of step "C" reads the step\'s own output.', step: ["C"], field: ["container", "args", 3] },
    ]);
  });

  it("accepts references to transitive ancestors", () => {
    const problems = check({
      steps: [producer("A", stdout("out")), container("B", { dependsOn: ["A"] }), container("C", { dependsOn: ["B"], container: { image: "x", args: ["{{steps.A.outputs.out}}"] } })],
    });
    expect(problems).toEqual([]);
  });

  it("allows {{item}} and {{item.<key>}} only in mapped steps and rejects unknown templates", () => {
    const problems = check({
      steps: [
        container("A", { container: { image: "busybox", args: ["{{item}}", "{{workflow.namespace}}", "{{ item.id }}", "{{retries}} {{workflow.name}} {{workflow.status}}"] } }),
        container("B", { map: { over: { from: "literal", value: [{ id: 1 }, { id: 2 }] } }, container: { image: "busybox", args: ["{{item}}", "{{item.id}}"] } }),
        {
          name: "H",
          kind: "http",
          http: { url: "https://x.example/{{item}}", body: "{{item}}", successCondition: "{{item}}" },
        },
        { name: "S", kind: "script", script: { image: "python", language: "python", source: "print('{{item}}')" } },
      ],
    });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ["item-outside-map", '{{item}} in container.args[0] of step "A" is only available in a step with map.'],
      [
        "unknown-template",
        '{{workflow.namespace}} in container.args[1] of step "A" is not a Sluice template: use {{inputs.<name>}}, {{steps.<step>.outputs.<name>}}, {{item}}, {{item.<key>}}, {{retries}} or {{workflow.<name|uid|creationTimestamp|scheduledTime|status>}}.',
      ],
      ["item-outside-map", '{{ item.id }} in container.args[2] of step "A" is only available in a step with map.'],
      ["item-outside-map", '{{item}} in http.url of step "H" is only available in a step with map.'],
      ["item-outside-map", '{{item}} in http.body of step "H" is only available in a step with map.'],
      ["item-outside-map", '{{item}} in http.successCondition of step "H" is only available in a step with map.'],
      ["item-outside-map", '{{item}} in script.source of step "S" is only available in a step with map.'],
    ]);
  });

  it("checks templates in env and header literals", () => {
    const problems = check({
      steps: [
        container("A", { container: { image: "busybox", env: [{ name: "X", value: { from: "literal", value: "{{inputs.nope}}" } }] } }),
        { name: "H", kind: "http", http: { url: "https://x.example", headers: [{ name: "X-Id", value: { from: "literal", value: "{{inputs.nope}}" } }] } },
      ],
    });
    expect(problems.map((p) => [p.code, p.message, p.field])).toEqual([
      ["unknown-input", '{{inputs.nope}} in environment variable "X" of step "A" does not resolve: neither the step nor the workflow has input "nope".', ["container", "env", 0, "value", "value"]],
      ["unknown-input", '{{inputs.nope}} in header "X-Id" of step "H" does not resolve: neither the step nor the workflow has input "nope".', ["http", "headers", 0, "value", "value"]],
    ]);
  });
});

describe("validateWorkflow: values and types", () => {
  it("reports required ports without a value", () => {
    const problems = check({
      steps: [container("A", { inputs: [{ name: "need", type: "string" }, { name: "optional", type: "string", required: false }] })],
    });
    expect(problems).toEqual([{ code: "missing-value", message: 'Input "need" of step "A" is required but has no value.', step: ["A"], field: ["inputs", 0, "value"] }]);
  });

  it("reports required ports fed by optional inputs without a default", () => {
    const problems = check({
      inputs: [
        { name: "maybe", type: "string" },
        { name: "given", type: "string", default: "x" },
      ],
      steps: [
        container("A", {
          inputs: [
            { name: "a", type: "string", value: { from: "input", name: "maybe" } },
            { name: "b", type: "string", value: { from: "input", name: "given" } },
            { name: "c", type: "string", required: false, value: { from: "input", name: "maybe" } },
          ],
        }),
      ],
    });
    expect(problems).toEqual([
      { code: "input-may-be-missing", message: 'Input "a" of step "A" is required but reads input "maybe", which is optional and has no default.', step: ["A"], field: ["inputs", 0, "value"] },
    ]);
  });

  it("applies the coercion rules between outputs and inputs", () => {
    const problems = check({
      steps: [
        producer("num", stdout("n", "number")),
        producer("text", stdout("t")),
        producer("mapped", stdout("each"), { map: { over: { from: "literal", value: [1] } } }),
        container("use", {
          inputs: [
            { name: "numberAsText", type: "string", value: { from: "step", step: "num", output: "n" } },
            { name: "textAsNumber", type: "number", value: { from: "step", step: "text", output: "t" } },
            { name: "listAsText", type: "string", value: { from: "step", step: "mapped", output: "each" } },
            { name: "listAsJson", type: "json", value: { from: "step", step: "mapped", output: "each" } },
            { name: "secretAsText", type: "string", value: { from: "secret", name: "db-password" } },
          ],
        }),
      ],
    });
    expect(problems).toEqual([
      { code: "type-mismatch", message: 'Input "textAsNumber" of step "use" has type number, but output "t" of step "text" is string.', step: ["use"], field: ["inputs", 1, "value"] },
      {
        code: "type-mismatch",
        message: 'Input "listAsText" of step "use" has type string, but output "each" of mapped step "mapped" (a list) is json.',
        step: ["use"],
        field: ["inputs", 2, "value"],
      },
      { code: "type-mismatch", message: 'Input "secretAsText" of step "use" has type string, but secret "db-password" is secret.', step: ["use"], field: ["inputs", 4, "value"] },
    ]);
  });

  it("checks literals against port types and input defaults against input types", () => {
    const problems = check({
      inputs: [{ name: "n", type: "number", default: "three" }],
      outputs: [{ name: "flag", type: "boolean", value: { from: "literal", value: "yes" } }],
      steps: [
        container("A", {
          map: { over: { from: "literal", value: [1] } },
          inputs: [
            { name: "count", type: "number", value: { from: "literal", value: "abc" } },
            { name: "templated", type: "number", value: { from: "literal", value: "{{item}}" } },
            { name: "text", type: "string", value: { from: "literal", value: 42 } },
            { name: "anything", type: "json", value: { from: "literal", value: { a: 1 } } },
            { name: "key", type: "secret", value: { from: "literal", value: "db-password" } },
          ],
        }),
      ],
    });
    expect(problems).toEqual([
      { code: "literal-type-mismatch", message: 'The default of input "n" of the workflow is string, not number.', field: ["inputs", 0, "default"] },
      { code: "literal-type-mismatch", message: 'Input "count" of step "A" has type number, but its literal value is string.', step: ["A"], field: ["inputs", 0, "value"] },
      { code: "literal-type-mismatch", message: 'Input "key" of step "A" has type secret, so its value must reference a secret, not a literal.', step: ["A"], field: ["inputs", 4, "value"] },
      { code: "literal-type-mismatch", message: 'Output "flag" of the workflow has type boolean, but its literal value is string.', field: ["outputs", 0, "value"] },
    ]);
  });

  it("reports unknown secrets in sources and in secret input defaults", () => {
    const problems = check({
      inputs: [
        { name: "token", type: "secret", default: "nope" },
        { name: "bad", type: "secret", default: 5 },
      ],
      steps: [container("A", { container: { image: "busybox", env: [{ name: "P", value: { from: "secret", name: "missing" } }] } })],
    });
    expect(problems).toEqual([
      { code: "unknown-secret", message: 'Input "token" of the workflow defaults to secret "nope", which does not exist.', field: ["inputs", 0, "default"] },
      { code: "literal-type-mismatch", message: 'Input "bad" of the workflow has type secret, so its default must be the name of a secret.', field: ["inputs", 1, "default"] },
      { code: "unknown-secret", message: 'Environment variable "P" of step "A" uses secret "missing", which does not exist.', step: ["A"], field: ["container", "env", 0, "value"] },
    ]);
  });
});

describe("validateWorkflow: names", () => {
  it("reports duplicate names", () => {
    const problems = check({
      inputs: [
        { name: "i", type: "string" },
        { name: "i", type: "string" },
      ],
      outputs: [
        { name: "o", type: "string", value: { from: "literal", value: "x" } },
        { name: "o", type: "string", value: { from: "literal", value: "y" } },
      ],
      steps: [
        container("A", {
          inputs: [
            { name: "p", type: "string", value: { from: "literal", value: "1" } },
            { name: "p", type: "string", value: { from: "literal", value: "2" } },
          ],
          outputs: [stdout("r"), stdout("r")],
          container: {
            image: "busybox",
            env: [
              { name: "E", value: { from: "literal", value: "1" } },
              { name: "E", value: { from: "literal", value: "2" } },
            ],
          },
        }),
        container("A"),
      ],
    });
    expect(problems.map((p) => [p.code, p.message, p.step, p.field])).toEqual([
      ["duplicate-input", 'The workflow declares input "i" more than once.', undefined, ["inputs", 1, "name"]],
      ["duplicate-step", 'The workflow has more than one step named "A".', ["A"], ["name"]],
      ["duplicate-step-input", 'Step "A" declares input "p" more than once.', ["A"], ["inputs", 1, "name"]],
      ["duplicate-step-output", 'Step "A" declares output "r" more than once.', ["A"], ["outputs", 1, "name"]],
      ["duplicate-env", 'Step "A" sets environment variable "E" more than once.', ["A"], ["container", "env", 1, "name"]],
      ["duplicate-output", 'The workflow declares output "o" more than once.', undefined, ["outputs", 1, "name"]],
    ]);
  });

  it("checks step names against Argo task names and parameter names", () => {
    const problems = check({
      inputs: [{ name: "bad name", type: "string", default: "x" }],
      steps: [
        container("A"),
        container("ok-step-1"),
        container("bad_name"),
        container("-dash"),
        container("a".repeat(63)),
        { name: "G", kind: "group", group: { steps: [container("inner")] }, outputs: [{ name: "out.put", type: "string", source: { from: "workflow", output: "x" } }] },
      ],
    });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ["invalid-parameter-name", "Input \"bad name\" of the workflow has an invalid name: use only letters, digits, '_' and '-'."],
      ["invalid-step-name", "Step name \"bad_name\" is invalid: use letters, digits and '-', starting and ending with a letter or digit, at most 63 characters."],
      ["invalid-step-name", "Step name \"-dash\" is invalid: use letters, digits and '-', starting and ending with a letter or digit, at most 63 characters."],
      ["invalid-parameter-name", "Output \"out.put\" of step \"G\" has an invalid name: use only letters, digits, '_' and '-'."],
      ["unknown-group-output", 'Output "out.put" of step "G" reads output "x" of the group, which it does not declare.'],
    ]);
  });

  it("rejects step names longer than 63 characters", () => {
    const spec = diamond();
    spec.steps[0].name = "a".repeat(64);
    spec.steps[1].dependsOn = [];
    spec.steps[2].dependsOn = [];
    expect(withCode(validateWorkflow(spec, ctx), "invalid-step-name")).toHaveLength(1);
  });
});

describe("validateWorkflow: calls", () => {
  const call = (workflow: string, version: number, extra: Record<string, unknown> = {}) => ({ name: "call", kind: "workflow", call: { workflow, version }, ...extra });
  const url = { name: "url", type: "string", value: { from: "literal", value: "https://x" } };

  it("reports unknown workflows and versions", () => {
    expect(check({ steps: [call("ghost", 1)] })).toEqual([
      { code: "unknown-workflow", message: 'Step "call" calls workflow "ghost", which does not exist.', step: ["call"], field: ["call", "workflow"] },
    ]);
    expect(check({ steps: [call("", 1)] })).toEqual([
      { code: "unknown-workflow", message: 'Step "call" does not say which workflow to call.', step: ["call"], field: ["call", "workflow"] },
    ]);
    expect(check({ steps: [call("child", 2)] })).toEqual([
      { code: "unknown-workflow-version", message: 'Step "call" calls version 2 of workflow "child", which does not exist (versions: 1, 3).', step: ["call"], field: ["call", "version"] },
    ]);
  });

  it("checks the call's inputs and outputs against the callee", () => {
    const problems = check({
      steps: [
        call("child", 1, {
          inputs: [
            { name: "extra", type: "string", value: { from: "literal", value: "x" } },
            { name: "retries", type: "string", value: { from: "literal", value: "2" } },
          ],
          outputs: [
            { name: "report", type: "string", source: { from: "workflow", output: "report" } },
            { name: "other", type: "string", source: { from: "workflow", output: "nope" } },
          ],
        }),
      ],
    });
    expect(problems.map((p) => [p.code, p.message, p.field])).toEqual([
      ["unknown-call-input", 'Step "call" passes input "extra", which workflow "child" v1 does not declare.', ["inputs", 0, "name"]],
      ["type-mismatch", 'Input "retries" of step "call" has type string, but workflow "child" v1 expects number.', ["inputs", 1, "type"]],
      ["missing-call-input", 'Step "call" does not pass input "url", which workflow "child" v1 requires.', ["inputs"]],
      ["type-mismatch", 'Output "report" of step "call" has type string, but output "report" of workflow "child" v1 is json.', ["outputs", 0, "source"]],
      ["unknown-call-output", 'Output "other" of step "call" reads output "nope" of workflow "child" v1, which it does not declare.', ["outputs", 1, "source"]],
    ]);
  });

  it("reports recursion into the workflow itself, directly or through callees, and callee loops", () => {
    expect(check({ steps: [call("me", 1)] }).map((p) => [p.code, p.message])).toEqual([
      ["recursive-call", 'Step "call" calls workflow "me", the workflow it belongs to.'],
      ["unknown-workflow", 'Step "call" calls workflow "me", which does not exist.'],
    ]);
    expect(check({ steps: [call("middle", 2)] })).toEqual([
      { code: "recursive-call", message: 'Step "call" calls workflow "middle" v2, which calls back into "me": middle v2 → me v1.', step: ["call"], field: ["call", "workflow"] },
    ]);
    expect(check({ steps: [call("loop-a", 1)] })).toEqual([
      { code: "recursive-call", message: 'Step "call" calls workflow "loop-a" v1, whose calls loop forever: loop-a v1 → loop-b v1 → loop-a v1.', step: ["call"], field: ["call", "workflow"] },
    ]);
    expect(check({ steps: [call("child", 1, { inputs: [url] })] })).toEqual([]);
  });
});

describe("validateWorkflow: groups", () => {
  it("checks ports against group inputs and outputs, and validates the inner graph with step paths", () => {
    const problems = check({
      steps: [
        {
          name: "G",
          kind: "group",
          inputs: [
            { name: "unknown", type: "string", value: { from: "literal", value: "x" } },
            { name: "list", type: "string", value: { from: "literal", value: "x" } },
          ],
          outputs: [{ name: "o", type: "string", source: { from: "workflow", output: "missing" } }],
          group: {
            inputs: [
              { name: "list", type: "json", required: true },
              { name: "need", type: "string", required: true },
              { name: "fine", type: "string", required: true, default: "d" },
            ],
            steps: [container("inner", { container: { image: "" } })],
          },
        },
        { name: "E", kind: "group", group: { steps: [] } },
      ],
    });
    expect(problems.map((p) => [p.code, p.message, p.step])).toEqual([
      ["unknown-group-input", 'Step "G" passes input "unknown", which the group does not declare.', ["G"]],
      ["type-mismatch", 'Input "list" of step "G" has type string, but the group expects json.', ["G"]],
      ["missing-group-input", 'Step "G" does not pass input "need", which the group requires.', ["G"]],
      ["unknown-group-output", 'Output "o" of step "G" reads output "missing" of the group, which it does not declare.', ["G"]],
      ["empty-image", 'Step "G/inner" has no image.', ["G", "inner"]],
      ["empty-group", 'Step "E" is a group with no steps.', ["E"]],
    ]);
  });

  it("locates problems in a group's own inputs and outputs under the group step", () => {
    const problems = check({
      steps: [
        {
          name: "G",
          kind: "group",
          group: {
            inputs: [{ name: "n", type: "number", default: "x" }],
            outputs: [{ name: "o", type: "string", value: { from: "step", step: "nope", output: "x" } }],
            steps: [container("inner")],
          },
        },
      ],
    });
    expect(problems).toEqual([
      { code: "literal-type-mismatch", message: 'The default of input "n" of group "G" is string, not number.', step: ["G"], field: ["group", "inputs", 0, "default"] },
      { code: "unknown-step", message: 'Output "o" of group "G" reads step "nope", which is not a step of group "G".', step: ["G"], field: ["group", "outputs", 0, "value"] },
    ]);
  });
});

describe("validateWorkflow: configuration", () => {
  it("reports invalid output sources for the step kind", () => {
    const problems = check({
      steps: [container("A", { outputs: [{ name: "b", type: "string", source: { from: "body" } }] })],
    });
    expect(problems).toEqual([
      {
        code: "invalid-output-source",
        message: 'Output "b" of step "A" reads body, which a container step does not produce (use stdout, file, status).',
        step: ["A"],
        field: ["outputs", 0, "source"],
      },
    ]);
  });

  it("reports empty images and scripts", () => {
    const problems = check({
      steps: [container("A", { container: { image: " " } }), { name: "S", kind: "script", script: { image: "", language: "shell", source: "  " } }],
    });
    expect(problems.map((p) => [p.code, p.message, p.field])).toEqual([
      ["empty-image", 'Step "A" has no image.', ["container", "image"]],
      ["empty-image", 'Step "S" has no image.', ["script", "image"]],
      ["empty-script", 'Step "S" has an empty script.', ["script", "source"]],
    ]);
  });

  it("checks http URLs, allowing templates", () => {
    const http = (name: string, url: string) => ({ name, kind: "http", http: { url } });
    const problems = check({
      inputs: [
        { name: "base", type: "string", default: "https://x" },
        { name: "host", type: "string", default: "x" },
      ],
      steps: [http("empty", ""), http("relative", "/api/items"), http("ftp", "ftp://example.com/x"), http("templated", "{{inputs.base}}/items"), http("host", "https://{{inputs.host}}:8080/x")],
    });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ["invalid-url", 'Step "empty" has no URL.'],
      ["invalid-url", 'Step "relative" has an invalid URL "/api/items": use an absolute http:// or https:// URL (templates are allowed).'],
      ["invalid-url", 'Step "ftp" has an invalid URL "ftp://example.com/x": use an absolute http:// or https:// URL (templates are allowed).'],
    ]);
  });

  it("reports invalid timeouts, backoff durations and parallelism", () => {
    const spec = buildSpec({
      steps: [
        container("A", { timeout: "0s", retry: { limit: 2, backoff: { duration: "soon", maxDuration: "1h30m" } } }),
        container("B", { retry: { limit: 1, backoff: { duration: "10", maxDuration: "" } }, map: { over: { from: "literal", value: [1] } } }),
      ],
    });
    (spec.steps[1] as { timeout?: string }).timeout = "5 minutes";
    (spec.steps[1].map as { parallelism?: number }).parallelism = 0;
    expect(validateWorkflow(spec, ctx).map((p) => [p.code, p.message, p.field])).toEqual([
      ["invalid-timeout", 'Timeout "0s" of step "A" is invalid: use a positive duration such as 30s, 5m or 2h.', ["timeout"]],
      ["invalid-backoff", 'Retry backoff duration "soon" of step "A" is not a duration (e.g. 10s, 1m30s).', ["retry", "backoff", "duration"]],
      ["invalid-timeout", 'Timeout "5 minutes" of step "B" is invalid: use a positive duration such as 30s, 5m or 2h.', ["timeout"]],
      ["invalid-backoff", 'Retry backoff maxDuration "" of step "B" is not a duration (e.g. 10s, 1m30s).', ["retry", "backoff", "maxDuration"]],
      ["invalid-parallelism", 'map.parallelism of step "B" must be a whole number of at least 1, not 0.', ["map", "parallelism"]],
    ]);
  });

  it("requires map.over to be a list", () => {
    const problems = check({
      inputs: [
        { name: "text", type: "string", default: "a,b" },
        { name: "list", type: "json", default: ["a"] },
      ],
      steps: [
        producer("gen", stdout("out")),
        container("literal", { map: { over: { from: "literal", value: "a,b" } } }),
        container("input", { map: { over: { from: "input", name: "text" } } }),
        container("output", { map: { over: { from: "step", step: "gen", output: "out" } } }),
        container("ok", { map: { over: { from: "input", name: "list" } } }),
      ],
    });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ["invalid-map-source", 'map.over of step "literal" must be a list, but its literal value is string.'],
      ["invalid-map-source", 'map.over of step "input" must be a list (type json), but input "text" is string.'],
      ["invalid-map-source", 'map.over of step "output" must be a list (type json), but output "out" of step "gen" is string.'],
    ]);
  });
});

describe("validateWorkflow: Argo's aggregated and chosen outputs", () => {
  it("reads all outputs of a step as one json value with output *", () => {
    const problems = check({
      steps: [
        producer("gen", stdout("out"), { map: { over: { from: "literal", value: [1, 2] } } }),
        container("each", { map: { over: { from: "step", step: "gen", output: "*" } }, when: "{{item.out}} == 2", container: { image: "busybox", args: ["{{item.out}}", "{{steps.gen.outputs.*}}"] } }),
        container("text", { inputs: [{ name: "all", type: "string", value: { from: "step", step: "gen", output: "*" } }] }),
        container("late", { container: { image: "busybox", args: ["{{steps.text.outputs.*}}"] } }),
      ],
    });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ["type-mismatch", 'Input "all" of step "text" has type string, but all outputs of step "gen" is json.'],
      ["not-upstream", '{{steps.text.outputs.*}} in container.args[0] of step "late" reads step "text", which is not upstream of it: make it depend on "text".'],
    ]);
  });

  it("checks every option of a graph output that takes the first step that ran", () => {
    const first = (of: { step: string; output: string }[]) => ({ from: "first", of });
    const problems = check({
      steps: [producer("heads", stdout("result"), { when: "a == a" }), producer("tails", stdout("result"), { when: "a != a" }), producer("count", stdout("n", "number"))],
      outputs: [
        { name: "ok", type: "string", value: first([{ step: "heads", output: "result" }, { step: "tails", output: "result" }]) },
        { name: "bad", type: "number", value: first([{ step: "heads", output: "result" }, { step: "gone", output: "result" }, { step: "count", output: "n" }]) },
      ],
    });
    expect(problems.map((p) => [p.code, p.message, p.field])).toEqual([
      ["type-mismatch", 'Output "bad" of the workflow has type number, but output "result" of step "heads" is string.', ["outputs", 1, "value", "of", 0]],
      ["unknown-step", 'Output "bad" of the workflow reads step "gone", which is not a step of the workflow.', ["outputs", 1, "value", "of", 1]],
    ]);
  });
});

describe("validateWorkflow: exit handler", () => {
  it("validates the exit handler as a graph of its own that reads the workflow's inputs and exit variables", () => {
    const problems = check({
      inputs: [{ name: "to", type: "string", default: "ops" }],
      steps: [producer("work", stdout("out"), { container: { image: "busybox", args: ["{{workflow.duration}}"] } })],
      onExit: [
        container("notify", { container: { image: "busybox", args: ["{{inputs.to}} {{workflow.status}} {{workflow.duration}} {{workflow.failures}}"] } }),
        container("cry", { when: "{{workflow.status}} != Succeeded", dependsOn: ["notify"], container: { image: "busybox", args: ["{{steps.work.outputs.out}}"] } }),
        container("cry"),
      ],
    });
    expect(problems.map((p) => [p.code, p.message, p.step, p.field])).toEqual([
      ["unknown-template", '{{workflow.duration}} in container.args[0] of step "work" is only available in the exit handler (onExit).', ["work"], ["container", "args", 0]],
      ["duplicate-step", 'The exit handler has more than one step named "cry".', ["@onExit", "cry"], ["name"]],
      ["unknown-step", '{{steps.work.outputs.out}} in container.args[0] of step "@onExit/cry" reads step "work", which is not a step of the exit handler.', ["@onExit", "cry"], ["container", "args", 0]],
    ]);
  });
});

describe("validateWorkflow: allowed step kinds", () => {
  it("reports every step, at any depth and in the exit handler, of a kind the workspace may not use", () => {
    const spec = {
      steps: [
        container("ok"),
        { name: "fetch", kind: "http", http: { url: "https://x.example" } },
        { name: "g", kind: "group", group: { steps: [{ name: "s", kind: "script", script: { image: "python", language: "python", source: "print(1)" } }] } },
      ],
      onExit: [{ name: "ping", kind: "http", http: { url: "https://x.example" } }],
    };
    expect(check(spec)).toEqual([]);
    const problems = check(spec, { ...ctx, allowedStepKinds: ["container", "group"] });
    expect(problems.map((p) => [p.code, p.message, p.step, p.field])).toEqual([
      ["step-kind-not-allowed", 'Step "fetch" is a http step, which this workspace may not use (allowed: container, group).', ["fetch"], ["kind"]],
      ["step-kind-not-allowed", 'Step "g/s" is a script step, which this workspace may not use (allowed: container, group).', ["g", "s"], ["kind"]],
      ["step-kind-not-allowed", 'Step "@onExit/ping" is a http step, which this workspace may not use (allowed: container, group).', ["@onExit", "ping"], ["kind"]],
    ]);
    expect(withCode(check(spec, { ...ctx, allowedStepKinds: [] }), "step-kind-not-allowed")).toHaveLength(5);
  });
});

describe("validateWorkflow: robustness", () => {
  it("returns every problem of a thoroughly broken graph without throwing", () => {
    const spec: WorkflowSpec = buildSpec({
      inputs: [{ name: "x", type: "json", default: "not a list" }],
      steps: [
        container("A", { dependsOn: ["A", "B", "ghost"], map: { over: { from: "step", step: "B", output: "nope" } } }),
        container("B", { dependsOn: ["A"], inputs: [{ name: "in", type: "number", value: { from: "step", step: "A", output: "missing" } }] }),
        { name: "c", kind: "workflow", call: { workflow: "me", version: 1 } },
      ],
    });
    const problems = validateWorkflow(spec, { secretNames: [], workflows: [], self: { name: "me" } });
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(["unknown-step", "unknown-output", "cycle", "recursive-call", "unknown-workflow"]));
    expect(JSON.parse(JSON.stringify(problems))).toEqual(problems);
  });

  // A check that it stays linear in the size of the graph, not a speed target: about 0.1 s now, tens of
  // seconds when it computed every step's upstream steps at once and sorted the cycle check's components with indexOf.
  it("checks a graph level of 5,000 steps in 8 chains with edges across them in linear time", () => {
    const name = (i: number) => `s${i}`;
    const step = (i: number) =>
      producer(name(i), stdout("out"), {
        dependsOn: i >= 9 && i % 5 === 0 ? [name(i - 9)] : [],
        inputs: [{ name: "in", type: "string", value: i >= 8 ? { from: "step", step: name(i - 8), output: "out" } : { from: "literal", value: "start" } }],
      });
    // parsed a schema-sized level at a time: validation itself takes graphs of any size
    const parts = Array.from({ length: TOTAL_STEPS_MAX / STEPS_PER_GRAPH_MAX }, (_, part) => buildSpec({ steps: Array.from({ length: STEPS_PER_GRAPH_MAX }, (_, i) => step(part * STEPS_PER_GRAPH_MAX + i)) }));
    const spec = { ...parts[0], steps: parts.flatMap((part) => part.steps) };
    const started = performance.now();
    expect(validateWorkflow(spec, ctx)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe("describeProblem and formatField", () => {
  it("formats a problem with its location", () => {
    expect(formatField(["container", "args", 1])).toBe("container.args[1]");
    expect(describeProblem({ code: "missing-value", message: "Input is required.", step: ["G", "inner"], field: ["inputs", 0, "value"] })).toBe(
      "G › inner (inputs[0].value): Input is required. [missing-value]",
    );
    expect(describeProblem({ code: "cycle", message: "A cycle." })).toBe("workflow: A cycle. [cycle]");
  });
});

describe("graphEdges", () => {
  it("derives control and data edges of one graph level", () => {
    const spec = buildSpec({
      steps: [
        producer("A", stdout("out", "json")),
        container("B", {
          dependsOn: ["A"],
          inputs: [{ name: "in", type: "string", value: { from: "step", step: "A", output: "out" } }],
          map: { over: { from: "step", step: "A", output: "out" } },
          container: { image: "x", env: [{ name: "E", value: { from: "step", step: "A", output: "out" } }] },
        }),
        { name: "H", kind: "http", http: { url: "https://x", headers: [{ name: "X", value: { from: "step", step: "B", output: "o" } }] } },
        { name: "G", kind: "group", group: { steps: [container("x"), container("y", { dependsOn: ["x"] })] } },
      ],
    });
    expect(graphEdges(spec)).toEqual([
      { from: "A", to: "B", kind: "control", field: ["dependsOn", 0] },
      { from: "A", to: "B", kind: "data", output: "out", input: "in", field: ["inputs", 0, "value"] },
      { from: "A", to: "B", kind: "data", output: "out", input: "env.E", field: ["container", "env", 0, "value"] },
      { from: "A", to: "B", kind: "data", output: "out", input: "map.over", field: ["map", "over"] },
      { from: "B", to: "H", kind: "data", output: "o", input: "header.X", field: ["http", "headers", 0, "value"] },
    ]);
  });
});
