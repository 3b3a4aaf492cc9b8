import { z } from "zod";
import { jsonWithin, stepExtent } from "./extent";
import * as limits from "./limits";

/**
 * The Sluice workflow model ("Sluice JSON"): one definition for the builder, validation,
 * versions, the embedded engine and the Argo Workflows export.
 *
 * Data flows through typed ports: a step declares `inputs` (ports) whose values are literals,
 * workflow inputs, secrets or an upstream step's output; a `{ from: "step" }` value is a data
 * edge on the canvas. `dependsOn` holds control edges (run after, no data).
 * Text fields may use `{{inputs.<name>}}`, `{{steps.<step>.outputs.<name>}}`, `{{retries}}`,
 * `{{workflow.<variable>}}` and, in a mapped step, `{{item}}` and `{{item.<key>}}` (templates.ts).
 * A step source reading output `*` (ALL_OUTPUTS) takes all outputs of the step as one object (a
 * mapped step: the list of its items' objects), as Argo's `{{steps.<step>.outputs.parameters}}`.
 * Every text and list has a size limit (limits.ts); a spec holds at most TOTAL_STEPS_MAX steps.
 */

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const dnsName = z
  .string()
  .min(1)
  .max(limits.WORKFLOW_NAME_MAX)
  .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");

export const VALUE_TYPES = ["string", "number", "boolean", "json", "secret"] as const;
export const valueType = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof valueType>;

const name = z.string().min(1).max(limits.NAME_MAX);
const stepName = z.string().min(1).max(limits.STEP_NAME_MAX);
const description = z.string().max(limits.DESCRIPTION_MAX);
const shortText = z.string().max(limits.SHORT_TEXT_MAX);

const literalLimits = `lists and objects nest at most ${limits.LITERAL_DEPTH_MAX} deep and take at most ${limits.LITERAL_JSON_MAX} characters as JSON`;
export const literalValue = z
  .union([
    z.string().max(limits.LONG_TEXT_MAX),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.unknown()).refine((value) => jsonWithin(value, limits.LITERAL_DEPTH_MAX, limits.LITERAL_JSON_MAX), `a literal list: ${literalLimits}`),
    z.record(z.string(), z.unknown()).refine((value) => jsonWithin(value, limits.LITERAL_DEPTH_MAX, limits.LITERAL_JSON_MAX), `a literal object: ${literalLimits}`),
  ])
  .describe(`a JSON value; text up to ${limits.LONG_TEXT_MAX} characters, ${literalLimits}`);

/** The output name of a step source that reads all of the step's outputs as one object (no output may be named so). */
export const ALL_OUTPUTS = "*";

const valueSources = [
  z.strictObject({ from: z.literal("literal"), value: literalValue }),
  z.strictObject({ from: z.literal("input"), name }),
  z.strictObject({ from: z.literal("step"), step: stepName, output: name }),
  z.strictObject({ from: z.literal("secret"), name: z.string().min(1).max(limits.SECRET_NAME_MAX) }),
] as const;
export const valueSource = z.discriminatedUnion("from", [...valueSources]);
export type ValueSource = z.infer<typeof valueSource>;

/**
 * The value of the first listed step output whose step ran (was not skipped or omitted), as Argo's
 * output expression `cond ? tasks.a.outputs.result : tasks.b.outputs.result` over tasks with
 * exclusive `when` conditions. Only graph outputs take it: a step reading it could not say which
 * upstream step its data edge comes from.
 */
export const firstOfSource = z.strictObject({
  from: z.literal("first"),
  of: z.array(z.strictObject({ step: stepName, output: name })).min(2).max(limits.FIRST_OF_MAX),
});
export const outputValueSource = z.discriminatedUnion("from", [...valueSources, firstOfSource]);
export type OutputValueSource = z.infer<typeof outputValueSource>;

/** A workflow (or group) input parameter. */
export const workflowInput = z.strictObject({
  name,
  type: valueType,
  description: description.optional(),
  required: z.boolean().default(false),
  default: literalValue.optional(),
});
export type WorkflowInput = z.infer<typeof workflowInput>;

/** A workflow (or group) output: a value taken from one of its steps. */
export const workflowOutput = z.strictObject({
  name,
  type: valueType,
  description: description.optional(),
  value: outputValueSource,
});
export type WorkflowOutput = z.infer<typeof workflowOutput>;

/** A step's typed input port. */
export const stepInput = z.strictObject({
  name,
  type: valueType,
  required: z.boolean().default(true),
  value: valueSource.optional(),
});
export type StepInput = z.infer<typeof stepInput>;

/** Where a step's output value is read from when it finishes. */
export const outputSource = z.discriminatedUnion("from", [
  z.strictObject({ from: z.literal("stdout") }),
  z.strictObject({ from: z.literal("file"), path: z.string().min(1).max(limits.PATH_MAX) }),
  z.strictObject({ from: z.literal("status") }),
  z.strictObject({ from: z.literal("body"), jsonPath: z.string().max(limits.PATH_MAX).optional() }),
  z.strictObject({ from: z.literal("header"), name }),
  z.strictObject({ from: z.literal("workflow"), output: name }),
]);
export const stepOutput = z.strictObject({
  name,
  type: valueType,
  source: outputSource,
});
export type StepOutput = z.infer<typeof stepOutput>;

export const envVar = z.strictObject({ name, value: valueSource });
const envVars = z.array(envVar).max(limits.ENV_VARS_MAX).default([]);

export const retryPolicy = z.strictObject({
  limit: z.number().int().min(0).max(100),
  on: z.enum(["Always", "OnFailure", "OnError", "OnTransientError"]).default("OnFailure"),
  backoff: z
    .strictObject({
      duration: shortText.min(1),
      factor: z.number().positive().optional(),
      maxDuration: shortText.optional(),
    })
    .optional(),
});

export const mapSpec = z.strictObject({
  over: valueSource,
  parallelism: z.number().int().positive().optional(),
});

export const resources = z.strictObject({ cpu: shortText.optional(), memory: shortText.optional() });

const image = z.string().max(limits.IMAGE_MAX);
const commandLine = z
  .array(z.string().max(limits.COMMAND_ENTRY_MAX))
  .max(limits.COMMAND_ENTRIES_MAX)
  .default([])
  .describe(`at most ${limits.COMMAND_ENTRIES_MAX} entries of at most ${limits.COMMAND_ENTRY_MAX} characters`);

export const containerConfig = z.strictObject({
  image,
  command: commandLine,
  args: commandLine,
  env: envVars,
  workingDir: z.string().max(limits.PATH_MAX).optional(),
  resources: resources.optional(),
});

export const scriptConfig = z.strictObject({
  image,
  language: z.enum(["shell", "python", "node"]),
  source: z.string().max(limits.LONG_TEXT_MAX),
  env: envVars,
  resources: resources.optional(),
});

export const httpConfig = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
  url: z.string().max(limits.URL_MAX),
  headers: z.array(z.strictObject({ name, value: valueSource })).max(limits.HEADERS_MAX).default([]),
  body: z.string().max(limits.LONG_TEXT_MAX).optional(),
  successCondition: z.string().max(limits.EXPRESSION_MAX).optional(),
});

export const callConfig = z.strictObject({
  workflow: z.string().max(limits.WORKFLOW_NAME_MAX),
  version: z.number().int().positive(),
});

const parameters = <T extends z.ZodType>(item: T) => z.array(item).max(limits.PARAMETERS_MAX).default([]);

/** Fields every step kind shares. */
const stepBase = {
  name: stepName,
  label: z.string().max(limits.STEP_LABEL_MAX).optional(),
  description: description.optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
  inputs: parameters(stepInput),
  outputs: parameters(stepOutput),
  dependsOn: z.array(stepName).max(limits.STEPS_PER_GRAPH_MAX).default([]),
  when: z.string().max(limits.EXPRESSION_MAX).optional(),
  map: mapSpec.optional(),
  retry: retryPolicy.optional(),
  timeout: shortText.regex(/^\d+(ms|s|m|h)$/, "a duration such as 30s, 5m or 2h").optional(),
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

const steps = z
  .array(step)
  .max(limits.STEPS_PER_GRAPH_MAX)
  .default([])
  .describe(
    `at most ${limits.STEPS_PER_GRAPH_MAX} steps per graph level, ${limits.TOTAL_STEPS_MAX} in the whole workflow counting the steps of groups, and groups nest at most ${limits.GROUP_DEPTH_MAX} deep`,
  );

export const graph: z.ZodType<Graph> = z.lazy(() =>
  z.strictObject({
    inputs: parameters(workflowInput),
    outputs: parameters(workflowOutput),
    steps,
  }),
) as unknown as z.ZodType<Graph>;

const specBody = z.strictObject({
  description: description.default(""),
  labels: z
    .record(z.string().max(limits.LABEL_KEY_MAX), z.string().max(limits.LABEL_VALUE_MAX))
    .refine((labels) => Object.keys(labels).length <= limits.LABELS_MAX, `at most ${limits.LABELS_MAX} labels`)
    .default({})
    .describe(`at most ${limits.LABELS_MAX} labels`),
  inputs: parameters(workflowInput),
  outputs: parameters(workflowOutput),
  steps,
  /**
   * The exit handler (Argo's `onExit`): steps that run once the workflow's steps have ended, whatever
   * their outcome. They form a graph of their own that reads the workflow's inputs and
   * `{{workflow.status}}` (Succeeded, Failed or Error), `{{workflow.duration}}` and `{{workflow.failures}}`.
   */
  onExit: z.array(step).min(1).max(limits.STEPS_PER_GRAPH_MAX).optional(),
});

/**
 * The versioned body of a workflow: everything a version freezes. The step total and the group depth
 * are checked on the raw input, before the recursive step schema parses (and could overflow on) it.
 */
export const workflowSpec = z.preprocess<z.input<typeof specBody>, typeof specBody, z.input<typeof specBody>>((value, ctx) => {
  const extent = stepExtent(value);
  if (extent.steps > limits.TOTAL_STEPS_MAX) {
    ctx.addIssue({ code: "custom", path: ["steps"], message: `A workflow has at most ${limits.TOTAL_STEPS_MAX} steps, groups included; this one has ${extent.steps}.` });
  }
  if (extent.depth > limits.GROUP_DEPTH_MAX) {
    ctx.addIssue({ code: "custom", path: ["steps"], message: `Groups nest at most ${limits.GROUP_DEPTH_MAX} deep; this workflow nests them ${extent.depth} deep.` });
  }
  return value;
}, specBody);
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

/** The first entry of a Problem's `step` path for a step of the exit handler (no step can be named so). */
export const EXIT_HANDLER = "@onExit";

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
