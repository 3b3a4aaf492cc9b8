import { z } from "zod";

/**
 * The Sluice workflow model ("Sluice JSON"): one definition for the builder, validation,
 * versions, the embedded engine and the Argo Workflows export.
 *
 * Data flows through typed ports: a step declares `inputs` (ports) whose values are literals,
 * workflow inputs, secrets or an upstream step's output; a `{ from: "step" }` value is a data
 * edge on the canvas. `dependsOn` holds control edges (run after, no data).
 * Text fields may use `{{inputs.<name>}}`, `{{steps.<step>.outputs.<name>}}` and, in a mapped
 * step, `{{item}}`.
 */

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const dnsName = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");

export const VALUE_TYPES = ["string", "number", "boolean", "json", "secret"] as const;
export const valueType = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof valueType>;

export const literalValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const valueSource = z.discriminatedUnion("from", [
  z.strictObject({ from: z.literal("literal"), value: literalValue }),
  z.strictObject({ from: z.literal("input"), name: z.string().min(1) }),
  z.strictObject({ from: z.literal("step"), step: z.string().min(1), output: z.string().min(1) }),
  z.strictObject({ from: z.literal("secret"), name: z.string().min(1) }),
]);
export type ValueSource = z.infer<typeof valueSource>;

/** A workflow (or group) input parameter. */
export const workflowInput = z.strictObject({
  name: z.string().min(1).max(128),
  type: valueType,
  description: z.string().max(2000).optional(),
  required: z.boolean().default(false),
  default: literalValue.optional(),
});
export type WorkflowInput = z.infer<typeof workflowInput>;

/** A workflow (or group) output: a value taken from one of its steps. */
export const workflowOutput = z.strictObject({
  name: z.string().min(1).max(128),
  type: valueType,
  description: z.string().max(2000).optional(),
  value: valueSource,
});
export type WorkflowOutput = z.infer<typeof workflowOutput>;

/** A step's typed input port. */
export const stepInput = z.strictObject({
  name: z.string().min(1).max(128),
  type: valueType,
  required: z.boolean().default(true),
  value: valueSource.optional(),
});
export type StepInput = z.infer<typeof stepInput>;

/** Where a step's output value is read from when it finishes. */
export const outputSource = z.discriminatedUnion("from", [
  z.strictObject({ from: z.literal("stdout") }),
  z.strictObject({ from: z.literal("file"), path: z.string().min(1) }),
  z.strictObject({ from: z.literal("status") }),
  z.strictObject({ from: z.literal("body"), jsonPath: z.string().optional() }),
  z.strictObject({ from: z.literal("header"), name: z.string().min(1) }),
  z.strictObject({ from: z.literal("workflow"), output: z.string().min(1) }),
]);
export const stepOutput = z.strictObject({
  name: z.string().min(1).max(128),
  type: valueType,
  source: outputSource,
});
export type StepOutput = z.infer<typeof stepOutput>;

export const envVar = z.strictObject({ name: z.string().min(1), value: valueSource });

export const retryPolicy = z.strictObject({
  limit: z.number().int().min(0).max(100),
  on: z.enum(["Always", "OnFailure", "OnError", "OnTransientError"]).default("OnFailure"),
  backoff: z
    .strictObject({
      duration: z.string().min(1),
      factor: z.number().positive().optional(),
      maxDuration: z.string().optional(),
    })
    .optional(),
});

export const mapSpec = z.strictObject({
  over: valueSource,
  parallelism: z.number().int().positive().optional(),
});

export const resources = z.strictObject({ cpu: z.string().optional(), memory: z.string().optional() });

export const containerConfig = z.strictObject({
  image: z.string(),
  command: z.array(z.string()).default([]),
  args: z.array(z.string()).default([]),
  env: z.array(envVar).default([]),
  workingDir: z.string().optional(),
  resources: resources.optional(),
});

export const scriptConfig = z.strictObject({
  image: z.string(),
  language: z.enum(["shell", "python", "node"]),
  source: z.string(),
  env: z.array(envVar).default([]),
  resources: resources.optional(),
});

export const httpConfig = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
  url: z.string(),
  headers: z.array(z.strictObject({ name: z.string().min(1), value: valueSource })).default([]),
  body: z.string().optional(),
  successCondition: z.string().optional(),
});

export const callConfig = z.strictObject({
  workflow: z.string(),
  version: z.number().int().positive(),
});

/** Fields every step kind shares. */
const stepBase = {
  name: z.string().min(1).max(63),
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
  inputs: z.array(stepInput).default([]),
  outputs: z.array(stepOutput).default([]),
  dependsOn: z.array(z.string()).default([]),
  when: z.string().optional(),
  map: mapSpec.optional(),
  retry: retryPolicy.optional(),
  timeout: z.string().regex(/^\d+(ms|s|m|h)$/, "a duration such as 30s, 5m or 2h").optional(),
  continueOnFailure: z.boolean().default(false),
};

export type Step =
  | (StepCommon & { kind: "container"; container: z.infer<typeof containerConfig> })
  | (StepCommon & { kind: "script"; script: z.infer<typeof scriptConfig> })
  | (StepCommon & { kind: "http"; http: z.infer<typeof httpConfig> })
  | (StepCommon & { kind: "workflow"; call: z.infer<typeof callConfig> })
  | (StepCommon & { kind: "group"; group: Graph });
export type StepCommon = z.infer<z.ZodObject<typeof stepBase>>;
export type StepKind = Step["kind"];
export const STEP_KINDS = ["container", "script", "http", "workflow", "group"] as const;

/** A graph: a workflow body, or a group's nested sub-graph (its own inputs, outputs, steps). */
export type Graph = { inputs: WorkflowInput[]; outputs: WorkflowOutput[]; steps: Step[] };

export const step: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({ ...stepBase, kind: z.literal("container"), container: containerConfig }),
    z.strictObject({ ...stepBase, kind: z.literal("script"), script: scriptConfig }),
    z.strictObject({ ...stepBase, kind: z.literal("http"), http: httpConfig }),
    z.strictObject({ ...stepBase, kind: z.literal("workflow"), call: callConfig }),
    z.strictObject({ ...stepBase, kind: z.literal("group"), group: graph }),
  ]),
) as unknown as z.ZodType<Step>;

export const graph: z.ZodType<Graph> = z.lazy(() =>
  z.strictObject({
    inputs: z.array(workflowInput).default([]),
    outputs: z.array(workflowOutput).default([]),
    steps: z.array(step).default([]),
  }),
) as unknown as z.ZodType<Graph>;

/** The versioned body of a workflow: everything a version freezes. */
export const workflowSpec = z.strictObject({
  description: z.string().max(2000).default(""),
  labels: z.record(z.string(), z.string()).default({}),
  inputs: z.array(workflowInput).default([]),
  outputs: z.array(workflowOutput).default([]),
  steps: z.array(step).default([]),
});
export type WorkflowSpec = z.infer<typeof workflowSpec>;

/** Sluice JSON, the interchange document: a named spec. */
export const SLUICE_KIND = "sluice.dev/Workflow";
export const sluiceDocument = z.strictObject({
  kind: z.literal(SLUICE_KIND),
  version: z.literal(1),
  name: dnsName,
  spec: workflowSpec,
});
export type SluiceDocument = z.infer<typeof sluiceDocument>;

/** One validation problem, tied to where it is. `step` is a path of step names for nested groups. */
export type Problem = {
  code: string;
  message: string;
  /** e.g. ["prepare"] or ["outer-group", "inner-step"] */
  step?: string[];
  /** an edge, "from -> to", within the graph named by `step` of its parent */
  edge?: { from: string; to: string; scope?: string[] };
  /** the field, as a path inside the step or the spec: ["inputs", 0, "value"] */
  field?: (string | number)[];
};
