import type { Step, WorkflowSpec } from "./model";
import { shellStep as shell } from "./shell-step";

const spec = (description: string, parts: Partial<WorkflowSpec>): WorkflowSpec => ({ description, labels: { sample: "true" }, inputs: [], outputs: [], steps: [], ...parts });

/** Workflows the demo workspace starts with: each runs as it is on the embedded engine. */
export const SAMPLE_WORKFLOWS: { name: string; spec: WorkflowSpec }[] = [
  {
    name: "diamond",
    spec: spec("A diamond: prepare, two branches in parallel, then a join that reads both.", {
      steps: [
        shell("prepare", "echo ready"),
        shell("left", "echo left-of-{{steps.prepare.outputs.out}}", { dependsOn: ["prepare"] }),
        shell("right", "echo right-of-{{steps.prepare.outputs.out}}", { dependsOn: ["prepare"] }),
        shell("join", "echo {{steps.left.outputs.out}} + {{steps.right.outputs.out}}", { dependsOn: ["left", "right"] }),
      ],
    }),
  },
  {
    name: "fan-out",
    spec: spec("A map fan-out: square each number in parallel, collect the squares as a list, map over that list again, and print the result.", {
      inputs: [{ name: "numbers", type: "json", description: "a list of numbers", required: false, default: [1, 2, 3, 4, 5] }],
      outputs: [{ name: "doubled", type: "json", value: { from: "step", step: "double", output: "out" } }],
      steps: [
        shell("square", "echo $(( {{item}} * {{item}} ))", { map: { over: { from: "input", name: "numbers" }, parallelism: 3 } }),
        shell("double", "echo $(( {{item}} * 2 ))", { map: { over: { from: "step", step: "square", output: "out" } } }),
        shell("report", "echo 'squares: {{steps.square.outputs.out}}, doubled: {{steps.double.outputs.out}}'", { dependsOn: ["square", "double"] }),
      ],
    }),
  },
  {
    name: "greet",
    spec: spec("Greets someone; called by call-greet as a sub-workflow.", {
      inputs: [{ name: "who", type: "string", required: true }],
      outputs: [{ name: "greeting", type: "string", value: { from: "step", step: "hello", output: "out" } }],
      steps: [shell("hello", "echo Hello, {{inputs.who}}!")],
    }),
  },
  {
    name: "call-greet",
    spec: spec("Calls the greet workflow as a sub-workflow and prints what it answered.", {
      inputs: [{ name: "who", type: "string", required: false, default: "Sluice" }],
      steps: [
        {
          name: "greet",
          kind: "workflow",
          call: { workflow: "greet", version: 1 },
          inputs: [{ name: "who", type: "string", required: true, value: { from: "input", name: "who" } }],
          outputs: [{ name: "greeting", type: "string", source: { from: "workflow", output: "greeting" } }],
          dependsOn: [],
          continueOnFailure: false,
        } as Step,
        shell("print", "echo 'The sub-workflow said: {{steps.greet.outputs.greeting}}'", { dependsOn: ["greet"] }),
      ],
    }),
  },
];
