import { parse } from "yaml";
import { stepSources } from "../graph";
import { applyLayeredLayout } from "../layout";
import {
  DNS1123_LABEL,
  sluiceDocument,
  workflowSpec,
  type Graph,
  type SluiceDocument,
  type Step,
  type StepCommon,
  type StepInput,
  type StepOutput,
  type ValueSource,
  type WorkflowInput,
  type WorkflowOutput,
  type WorkflowSpec,
} from "../model";
import { inferJsonTypes } from "./infer-types";
import { DESCRIPTION_ANNOTATION, secretNameFromKeyRef } from "./types";

/**
 * Argo Workflow / WorkflowTemplate / CronWorkflow → Sluice spec.
 *
 * The entrypoint becomes the workflow's graph (a DAG or steps template; a lone container, script or
 * http template becomes a one-step graph). Each task or step keeps its name; the template it runs
 * decides the step kind: container/script/http → the same kind, dag/steps → a `group` step,
 * templateRef → a `workflow` step (`<name>-v<version>`/main is the callee's version, as exported).
 * Steps templates become dependsOn chains between consecutive parallel groups. Arguments become
 * input ports: a value that is exactly one reference (`{{tasks.a.outputs.result}}`,
 * `{{inputs.parameters.x}}`) becomes a data edge, anything else a literal with Sluice templates.
 * What Sluice cannot represent is reported in `warnings` with its path in the document.
 */

export type ImportWarning = { code: string; message: string; path: string };
export type ArgoImport = { name: string; spec: WorkflowSpec; warnings: ImportWarning[] };

export class ArgoImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgoImportError";
  }
}

type Json = Record<string, unknown>;
type Path = (string | number)[];

type Importer = {
  warnings: ImportWarning[];
  templates: Map<string, { template: Json; path: Path }>;
  imported: Set<string>;
  /** templates being expanded, to stop recursive templates */
  expanding: string[];
};

/** A graph being imported. */
type GraphContext = {
  /** the workflow's own graph: `{{workflow.parameters.x}}` are its inputs */
  top: boolean;
  inputs: WorkflowInput[];
  /** outputs referenced by other steps that Argo provides implicitly (result, exitCode, callee outputs) */
  refs: { step: string; output: string; kind: "result" | "exitCode" | "parameter" }[];
};

type Argument = { value: string; path: Path };
type Arguments = Map<string, Argument>;

const ARGO_KINDS = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];

export function fromArgo(yamlOrObject: string | object): ArgoImport {
  const document = readDocument(yamlOrObject);
  const kind = document.kind;
  if (typeof kind !== "string" || !ARGO_KINDS.includes(kind)) {
    throw new ArgoImportError(`Not an Argo workflow: kind must be one of ${ARGO_KINDS.join(", ")}, not ${JSON.stringify(kind ?? null)}.`);
  }
  const importer: Importer = { warnings: [], templates: new Map(), imported: new Set(), expanding: [] };
  const metadata = isJson(document.metadata) ? document.metadata : {};
  const specPath: Path = kind === "CronWorkflow" ? ["spec", "workflowSpec"] : ["spec"];
  const spec = kind === "CronWorkflow" ? cronWorkflowSpec(importer, document) : document.spec;
  if (!isJson(spec)) throw new ArgoImportError(`The ${kind} has no ${specPath.join(".")}.`);
  unsupportedKeys(importer, document, [], ["apiVersion", "kind", "metadata", "spec", "status"], kind);

  const graph = importWorkflowGraph(importer, spec, specPath);
  warnUnusedTemplates(importer);
  const result: WorkflowSpec = {
    description: description(importer, metadata),
    labels: labels(metadata),
    inputs: graph.inputs,
    outputs: graph.outputs,
    steps: graph.steps,
  };
  inferJsonTypes(result);
  applyLayeredLayout(result);
  return { name: workflowName(metadata), spec: workflowSpec.parse(result), warnings: importer.warnings };
}

function readDocument(input: string | object): Json {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = parse(input);
    } catch (error) {
      throw new ArgoImportError(`Not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isJson(value)) throw new ArgoImportError("Not an Argo workflow: expected a YAML or JSON object.");
  return value;
}

function cronWorkflowSpec(importer: Importer, document: Json): unknown {
  const spec = isJson(document.spec) ? document.spec : {};
  const schedules = [...list(spec.schedules), ...(spec.schedule === undefined ? [] : [spec.schedule])].map(String);
  const timezone = typeof spec.timezone === "string" ? ` (timezone ${spec.timezone})` : "";
  warn(
    importer,
    "cron-schedule",
    `The CronWorkflow schedule ${schedules.map((s) => `"${s}"`).join(", ")}${timezone} is not part of a Sluice workflow: schedule the imported workflow in Sluice.`,
    ["spec", spec.schedules === undefined ? "schedule" : "schedules"],
  );
  unsupportedKeys(importer, spec, ["spec"], ["workflowSpec", "schedules", "schedule", "timezone"], "CronWorkflow");
  return spec.workflowSpec;
}

function workflowName(metadata: Json): string {
  const raw = typeof metadata.name === "string" ? metadata.name : typeof metadata.generateName === "string" ? metadata.generateName : "";
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
  return DNS1123_LABEL.test(name) ? name : "imported-workflow";
}

function description(importer: Importer, metadata: Json): string {
  const annotations = isJson(metadata.annotations) ? metadata.annotations : {};
  for (const key of Object.keys(annotations)) {
    if (key !== DESCRIPTION_ANNOTATION) warn(importer, "unsupported-field", `Annotation "${key}" is not imported.`, ["metadata", "annotations", key]);
  }
  const text = annotations[DESCRIPTION_ANNOTATION];
  return typeof text === "string" ? text.trim().slice(0, 2000) : "";
}

function labels(metadata: Json): Record<string, string> {
  const source = isJson(metadata.labels) ? metadata.labels : {};
  return Object.fromEntries(Object.entries(source).flatMap(([key, value]) => (typeof value === "string" ? [[key, value]] : [])));
}

// ---------------------------------------------------------------------------------------------
// Workflow level

function importWorkflowGraph(importer: Importer, spec: Json, path: Path): Graph {
  list(spec.templates).forEach((template, i) => {
    if (isJson(template) && typeof template.name === "string") importer.templates.set(template.name, { template, path: [...path, "templates", i] });
  });
  if (spec.onExit !== undefined) {
    warn(importer, "exit-handler", `The exit handler "${String(spec.onExit)}" (onExit) cannot be represented in Sluice and was not imported.`, [...path, "onExit"]);
  }
  unsupportedKeys(importer, spec, path, ["entrypoint", "templates", "arguments", "onExit"], "Workflow spec");

  const entryName = typeof spec.entrypoint === "string" ? spec.entrypoint : importer.templates.size === 1 ? [...importer.templates.keys()][0] : undefined;
  const entry = entryName === undefined ? undefined : importer.templates.get(entryName);
  if (!entry) throw new ArgoImportError(entryName === undefined ? "The workflow has no entrypoint." : `The entrypoint template "${entryName}" does not exist.`);

  const inputs = workflowInputs(importer, spec, path);
  if (isGraphTemplate(entry.template) && !isMapWrapper(entry.template)) {
    const context: GraphContext = { top: true, inputs: mergeInputs(inputs, templateInputs(importer, entry.template, entry.path)), refs: [] };
    importer.imported.add(entryName as string);
    unsupportedKeys(importer, entry.template, entry.path, ["name", "inputs", "outputs", "dag", "steps"], "Entrypoint template");
    return importGraphTemplate(importer, context, entry.template, entry.path, true);
  }
  const context: GraphContext = { top: true, inputs, refs: [] };
  const declared = new Set(templateInputs(importer, entry.template, entry.path).map((input) => input.name));
  const fed = inputs.filter((input) => declared.has(input.name));
  const args: Arguments = new Map(fed.map((input) => [input.name, { value: `{{inputs.parameters.${input.name}}}`, path: [...path, "arguments"] }]));
  importer.imported.add(entryName as string);
  const step = templateStep(importer, context, entryName as string, entry.template, entry.path, args, entry.path);
  return finishGraph(context, { inputs, outputs: [], steps: [step] });
}

function workflowInputs(importer: Importer, spec: Json, path: Path): WorkflowInput[] {
  const args = isJson(spec.arguments) ? spec.arguments : {};
  unsupportedKeys(importer, args, [...path, "arguments"], ["parameters"], "Workflow arguments");
  return list(args.parameters).flatMap((parameter, i) => {
    const input = parameterInput(importer, parameter, [...path, "arguments", "parameters", i]);
    return input ? [input] : [];
  });
}

function templateInputs(importer: Importer, template: Json, path: Path): WorkflowInput[] {
  const inputs = isJson(template.inputs) ? template.inputs : {};
  unsupportedKeys(importer, inputs, [...path, "inputs"], ["parameters"], "Template inputs");
  return list(inputs.parameters).flatMap((parameter, i) => {
    const input = parameterInput(importer, parameter, [...path, "inputs", "parameters", i]);
    return input ? [input] : [];
  });
}

/** An Argo parameter as a graph input: its value (or default) is the default; none makes it required. */
function parameterInput(importer: Importer, parameter: unknown, path: Path): WorkflowInput | undefined {
  if (!isJson(parameter) || typeof parameter.name !== "string") return undefined;
  unsupportedKeys(importer, parameter, path, ["name", "value", "default", "description"], "Parameter");
  const value = text(parameter.value) ?? text(parameter.default);
  const input: WorkflowInput = { name: parameter.name, type: "string", required: value === undefined };
  if (value !== undefined) input.default = value;
  if (typeof parameter.description === "string") input.description = parameter.description.slice(0, 2000);
  return input;
}

/** Workflow arguments first; the entry template's own inputs add the ones missing. */
function mergeInputs(primary: WorkflowInput[], secondary: WorkflowInput[]): WorkflowInput[] {
  return [...primary, ...secondary.filter((input) => !primary.some((existing) => existing.name === input.name))];
}

function warnUnusedTemplates(importer: Importer): void {
  for (const [name, { path }] of importer.templates) {
    if (!importer.imported.has(name)) {
      warn(importer, "template-not-imported", `Template "${name}" is not run from the entrypoint (e.g. it is an exit handler) and was not imported.`, path);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Graphs (dag and steps templates)

const isGraphTemplate = (template: Json) => isJson(template.dag) || Array.isArray(template.steps);

type RawTask = { task: Json; path: Path; dependsOn: string[] };

function importGraphTemplate(importer: Importer, context: GraphContext, template: Json, path: Path, entry: boolean): Graph {
  const raws = isJson(template.dag) ? dagTasks(importer, template.dag, [...path, "dag"]) : stepsTasks(importer, list(template.steps), [...path, "steps"]);
  const steps = raws.map((raw) => importTask(importer, context, raw));
  const outputs = graphOutputs(importer, context, template, path, entry);
  return finishGraph(context, { inputs: context.inputs, outputs, steps });
}

function dagTasks(importer: Importer, dag: Json, path: Path): RawTask[] {
  unsupportedKeys(importer, dag, path, ["tasks"], "DAG");
  return list(dag.tasks).flatMap((task, i) => {
    if (!isJson(task)) return [];
    const taskPath = [...path, "tasks", i];
    const dependsOn = [...list(task.dependencies).map(String)];
    if (typeof task.depends === "string") dependsOn.push(...parseDepends(importer, task.depends, [...taskPath, "depends"]));
    return [{ task, path: taskPath, dependsOn: [...new Set(dependsOn)] }];
  });
}

/** Steps: each inner list runs in parallel after the previous list, so it depends on all of it. */
function stepsTasks(importer: Importer, groups: unknown[], path: Path): RawTask[] {
  const raws: RawTask[] = [];
  let previous: string[] = [];
  groups.forEach((group, i) => {
    if (!Array.isArray(group)) {
      warn(importer, "unsupported-field", "A steps entry that is not a list of parallel steps was not imported.", [...path, i]);
      return;
    }
    const names: string[] = [];
    group.forEach((task, j) => {
      if (!isJson(task)) return;
      raws.push({ task, path: [...path, i, j], dependsOn: previous });
      if (typeof task.name === "string") names.push(task.name);
    });
    previous = names;
  });
  return raws;
}

const DEPENDS_OPERAND = /([A-Za-z0-9][-A-Za-z0-9_]*)(?:\.(Succeeded|Failed|Errored|Skipped|Omitted|Daemoned|AnySucceeded|AllFailed))?/g;

/** "A && B.Succeeded" is plain all-of; anything else keeps its tasks as dependencies and warns. */
function parseDepends(importer: Importer, expression: string, path: Path): string[] {
  const operands = [...expression.matchAll(DEPENDS_OPERAND)];
  const names = operands.map((match) => match[1]);
  const plain = !/\|\||!/.test(expression) && operands.every((match) => match[2] === undefined || match[2] === "Succeeded");
  if (!plain) {
    warn(importer, "depends-expression", `depends "${expression}" cannot be represented; imported as: run after ${names.map((n) => `"${n}"`).join(", ")}.`, path);
  }
  return names;
}

function graphOutputs(importer: Importer, context: GraphContext, template: Json, path: Path, entry: boolean): WorkflowOutput[] {
  const outputs = isJson(template.outputs) ? template.outputs : {};
  unsupportedKeys(importer, outputs, [...path, "outputs"], ["parameters"], "Template outputs");
  return list(outputs.parameters).flatMap((parameter, i) => {
    if (!isJson(parameter) || typeof parameter.name !== "string") return [];
    const parameterPath = [...path, "outputs", "parameters", i];
    unsupportedKeys(importer, parameter, parameterPath, entry ? ["name", "valueFrom", "globalName"] : ["name", "valueFrom"], "Output parameter");
    const value = graphOutputSource(importer, context, parameter.valueFrom, [...parameterPath, "valueFrom"]);
    return value ? [{ name: parameter.name, type: "string" as const, value }] : [];
  });
}

/** `valueFrom.parameter` naming one task output, or a constant `valueFrom.expression` (as exported). */
function graphOutputSource(importer: Importer, context: GraphContext, valueFrom: unknown, path: Path): ValueSource | undefined {
  const from = isJson(valueFrom) ? valueFrom : {};
  if (typeof from.parameter === "string") {
    const source = argoSource(importer, context, from.parameter, [...path, "parameter"]);
    if (source.from !== "literal") return source;
  }
  if (typeof from.expression === "string") {
    const constant = constantExpression(from.expression);
    if (constant !== undefined) {
      const input = /^\{\{inputs\.parameters\.([A-Za-z0-9_-]+)\}\}$/.exec(constant);
      return input ? { from: "input", name: input[1] } : { from: "literal", value: constant };
    }
  }
  warn(importer, "output-expression", "This output is computed by an Argo expression or source that Sluice cannot represent; it was not imported.", path);
  return undefined;
}

function constantExpression(expression: string): string | undefined {
  try {
    const value: unknown = JSON.parse(expression);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Adds implicit outputs that other steps read, drops dependsOn already implied by data edges. */
function finishGraph(context: GraphContext, graph: Graph): Graph {
  for (const ref of context.refs) {
    const step = graph.steps.find((candidate) => candidate.name === ref.step);
    if (!step || step.outputs.some((output) => output.name === ref.output)) continue;
    const output = implicitOutput(step, ref);
    if (output) step.outputs.push(output);
  }
  for (const step of graph.steps) {
    const sources = new Set(stepSources(step).flatMap((site) => (site.source.from === "step" ? [site.source.step] : [])));
    step.dependsOn = step.dependsOn.filter((name) => !sources.has(name));
  }
  return graph;
}

function implicitOutput(step: Step, ref: GraphContext["refs"][number]): StepOutput | undefined {
  if (ref.kind === "exitCode") return step.kind === "container" || step.kind === "script" ? { name: ref.output, type: "number", source: { from: "status" } } : undefined;
  if (ref.kind === "parameter") return step.kind === "workflow" ? { name: ref.output, type: "string", source: { from: "workflow", output: ref.output } } : undefined;
  if (step.kind === "http") return { name: ref.output, type: "string", source: { from: "body" } };
  return step.kind === "container" || step.kind === "script" ? { name: ref.output, type: "string", source: { from: "stdout" } } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Tasks

const TASK_KEYS = ["name", "template", "templateRef", "inline", "arguments", "dependencies", "depends", "when", "withItems", "withParam", "continueOn"];

function importTask(importer: Importer, context: GraphContext, raw: RawTask): Step {
  const { task, path } = raw;
  const name = typeof task.name === "string" ? task.name : `step-${path[path.length - 1]}`;
  unsupportedKeys(importer, task, path, TASK_KEYS, "Task");
  const args = taskArguments(importer, task, path);
  const step = taskTarget(importer, context, name, task, path, args);
  applyTaskFields(importer, context, step, task, path);
  step.dependsOn = raw.dependsOn;
  return step;
}

function taskArguments(importer: Importer, task: Json, path: Path): Arguments {
  const args: Arguments = new Map();
  const section = isJson(task.arguments) ? task.arguments : {};
  if (section.artifacts !== undefined) warn(importer, "artifacts", "Artifact arguments cannot be represented in Sluice and were not imported.", [...path, "arguments", "artifacts"]);
  unsupportedKeys(importer, section, [...path, "arguments"], ["parameters", "artifacts"], "Arguments");
  list(section.parameters).forEach((parameter, i) => {
    if (!isJson(parameter) || typeof parameter.name !== "string") return;
    const parameterPath = [...path, "arguments", "parameters", i];
    unsupportedKeys(importer, parameter, parameterPath, ["name", "value"], "Argument");
    args.set(parameter.name, { value: text(parameter.value) ?? "", path: [...parameterPath, "value"] });
  });
  return args;
}

function taskTarget(importer: Importer, context: GraphContext, name: string, task: Json, path: Path, args: Arguments): Step {
  if (isJson(task.templateRef)) return callStep(importer, context, name, task.templateRef, [...path, "templateRef"], args);
  if (isJson(task.inline)) return templateStep(importer, context, name, task.inline, [...path, "inline"], args, path);
  const templateName = typeof task.template === "string" ? task.template : "";
  const found = importer.templates.get(templateName);
  if (found) {
    importer.imported.add(templateName);
    return templateStep(importer, context, name, found.template, found.path, args, path);
  }
  warn(importer, "unknown-template", `Task "${name}" runs template "${templateName}", which does not exist; it was imported as an empty container step.`, [...path, "template"]);
  return placeholderStep(importer, context, name, args, `Template "${templateName}" was missing in the Argo workflow.`);
}

function applyTaskFields(importer: Importer, context: GraphContext, step: Step, task: Json, path: Path): void {
  if (typeof task.when === "string") step.when = taskText(importer, context, task.when, [...path, "when"]);
  if (Array.isArray(task.withItems)) {
    step.map = { ...step.map, over: { from: "literal", value: task.withItems } };
  } else if (typeof task.withParam === "string") {
    step.map = { ...step.map, over: mapSource(importer, context, task.withParam, [...path, "withParam"]) };
  }
  if (isJson(task.continueOn)) {
    if (task.continueOn.failed === true) step.continueOnFailure = true;
    else if (task.continueOn.error === true) {
      step.continueOnFailure = true;
      warn(importer, "continue-on-error", "continueOn.error is imported as continueOnFailure, which also continues after failures.", [...path, "continueOn"]);
    }
  }
}

/** withParam: a reference becomes a data edge; a literal JSON list becomes a literal. */
function mapSource(importer: Importer, context: GraphContext, value: string, path: Path): ValueSource {
  const source = argoSource(importer, context, value, path);
  if (source.from !== "literal") return source;
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return { from: "literal", value: parsed };
  } catch {
    // not JSON: keep the text, validation reports it
  }
  return source;
}

function templateStep(importer: Importer, context: GraphContext, name: string, template: Json, templatePath: Path, args: Arguments, taskPath: Path): Step {
  if (isMapWrapper(template)) return wrappedStep(importer, context, name, template, templatePath, args);
  if (isJson(template.container) || isJson(template.script) || isJson(template.http)) return leafStep(importer, context, name, template, templatePath, args);
  if (isGraphTemplate(template)) return groupStep(importer, context, name, template, templatePath, args, taskPath);
  const kind = ["resource", "suspend", "data", "containerSet", "plugin"].find((key) => template[key] !== undefined) ?? "unknown";
  warn(
    importer,
    "unsupported-template",
    `Template "${String(template.name)}" is a ${kind} template, which Sluice cannot run; step "${name}" was imported as an empty container step to keep the graph.`,
    [...templatePath, kind],
  );
  return placeholderStep(importer, context, name, args, `Imported from Argo ${kind} template "${String(template.name)}", which Sluice cannot run.`);
}

function base(name: string): StepCommon {
  return { name, inputs: [], outputs: [], dependsOn: [], continueOnFailure: false };
}

function placeholderStep(importer: Importer, context: GraphContext, name: string, args: Arguments, note: string): Step {
  const inputs = [...args].map(([port, arg]) => portFromArgument(importer, context, port, arg));
  return { ...base(name), description: note, inputs, kind: "container", container: { image: "", command: [], args: [], env: [] } };
}

function portFromArgument(importer: Importer, context: GraphContext, name: string, arg: Argument): StepInput {
  return { name, type: "string", required: true, value: argoSource(importer, context, arg.value, arg.path) };
}

function callStep(importer: Importer, context: GraphContext, name: string, ref: Json, path: Path, args: Arguments): Step {
  const refName = typeof ref.name === "string" ? ref.name : "";
  const refTemplate = typeof ref.template === "string" ? ref.template : "";
  const versioned = /^(.+)-v(\d+)$/.exec(refName);
  let call = { workflow: refName, version: 1 };
  if (versioned && refTemplate === "main" && Number(versioned[2]) > 0) {
    call = { workflow: versioned[1], version: Number(versioned[2]) };
  } else {
    warn(importer, "template-ref", `templateRef ${refName}/${refTemplate} is imported as a call to workflow "${refName}" version 1; point it at the right Sluice workflow.`, path);
  }
  if (ref.clusterScope === true) warn(importer, "template-ref", "clusterScope templateRefs are imported as calls to ordinary workflows.", [...path, "clusterScope"]);
  const inputs = [...args].map(([port, arg]) => portFromArgument(importer, context, port, arg));
  return { ...base(name), inputs, kind: "workflow", call };
}

// ---------------------------------------------------------------------------------------------
// Groups and map wrappers

function groupStep(importer: Importer, context: GraphContext, name: string, template: Json, path: Path, args: Arguments, taskPath: Path): Step {
  const templateName = String(template.name ?? name);
  if (importer.expanding.includes(templateName)) {
    warn(importer, "recursive-template", `Template "${templateName}" runs itself recursively, which Sluice cannot represent; step "${name}" was imported as an empty container step.`, taskPath);
    return placeholderStep(importer, context, name, args, `Recursive Argo template "${templateName}".`);
  }
  const keys = ["name", "inputs", "outputs", "dag", "steps", "retryStrategy", "timeout"];
  if (template.parallelism !== undefined) {
    warn(importer, "group-parallelism", `The parallelism of template "${templateName}" is not imported: Sluice limits parallelism only on mapped steps.`, [...path, "parallelism"]);
  }
  unsupportedKeys(importer, template, path, [...keys, "parallelism"], "Template");
  importer.expanding.push(templateName);
  const inner: GraphContext = { top: false, inputs: templateInputs(importer, template, path), refs: [] };
  const group = importGraphTemplate(importer, inner, template, path, false);
  importer.expanding.pop();
  const inputs = [...args].map(([port, arg]) => portFromArgument(importer, context, port, arg));
  const outputs: StepOutput[] = group.outputs.map((output) => ({ name: output.name, type: "string", source: { from: "workflow", output: output.name } }));
  const step: Step = { ...base(name), inputs, outputs, kind: "group", group };
  applyExecution(importer, step, template, path);
  return step;
}

/**
 * A dag/steps template with `parallelism` around a single mapped task is how Sluice exports
 * `map.parallelism` (and how Argo users limit one loop): it is imported as that mapped step.
 */
function isMapWrapper(template: Json): boolean {
  if (typeof template.parallelism !== "number") return false;
  const tasks = wrapperTasks(template);
  if (tasks.length !== 1) return false;
  const [task] = tasks;
  return (Array.isArray(task.withItems) || typeof task.withParam === "string") && task.depends === undefined && task.dependencies === undefined;
}

function wrapperTasks(template: Json): Json[] {
  if (isJson(template.dag)) return list(template.dag.tasks).filter(isJson);
  const groups = list(template.steps);
  return groups.length === 1 ? list(groups[0]).filter(isJson) : [];
}

function wrappedStep(importer: Importer, context: GraphContext, name: string, template: Json, path: Path, args: Arguments): Step {
  unsupportedKeys(importer, template, path, ["name", "inputs", "outputs", "dag", "steps", "parallelism"], "Template");
  const innerPath: Path = isJson(template.dag) ? [...path, "dag", "tasks", 0] : [...path, "steps", 0, 0];
  const inner = substituteInputs(wrapperTasks(template)[0], args) as Json;
  const step = importTask(importer, context, { task: { ...inner, name }, path: innerPath, dependsOn: [] });
  if (step.map) step.map.parallelism = template.parallelism as number;
  aliasWrapperOutputs(importer, step, template, path, String(inner.name ?? name));
  return step;
}

/** Replaces the wrapper's `{{inputs.parameters.x}}` with the caller's argument text, in every string. */
function substituteInputs(value: unknown, args: Arguments): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*inputs\.parameters\.([A-Za-z0-9_-]+)\s*\}\}/g, (raw: string, name: string) => args.get(name)?.value ?? raw);
  }
  if (Array.isArray(value)) return value.map((item) => substituteInputs(item, args));
  if (isJson(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteInputs(item, args)]));
  return value;
}

/** The wrapper's output parameters name the inner task's outputs; the step exposes them under those names. */
function aliasWrapperOutputs(importer: Importer, step: Step, template: Json, path: Path, innerName: string): void {
  const outputs = isJson(template.outputs) ? list(template.outputs.parameters) : [];
  outputs.forEach((parameter, i) => {
    if (!isJson(parameter) || typeof parameter.name !== "string") return;
    const from = isJson(parameter.valueFrom) ? parameter.valueFrom : {};
    const ref = typeof from.parameter === "string" ? parseArgoRef(singleToken(from.parameter) ?? "") : undefined;
    const jsonPath = typeof from.expression === "string" ? jsonPathExpression(from.expression, innerName) : undefined;
    const existing = step.outputs.find((output) => output.name === parameter.name);
    if (ref?.kind === "output" && ref.step === innerName) {
      const source = step.outputs.find((output) => output.name === ref.output);
      if (source && !existing) source.name = parameter.name;
    } else if (ref?.kind === "result" && ref.step === innerName && !existing) {
      step.outputs.push({ name: parameter.name, type: "string", source: step.kind === "http" ? { from: "body" } : { from: "stdout" } });
    } else if (ref?.kind === "exitCode" && ref.step === innerName && !existing) {
      step.outputs.push({ name: parameter.name, type: "number", source: { from: "status" } });
    } else if (jsonPath !== undefined && !existing) {
      step.outputs.push({ name: parameter.name, type: "string", source: { from: "body", jsonPath } });
    } else if (!existing) {
      warn(importer, "output-expression", `Output "${parameter.name}" cannot be represented and was not imported.`, [...path, "outputs", "parameters", i]);
    }
  });
}

/** `jsonpath(tasks['a'].outputs.result, '$.x')`, as exported for http body outputs with a jsonPath. */
function jsonPathExpression(expression: string, task: string): string | undefined {
  const match = /^jsonpath\(tasks\['([^']+)'\]\.outputs\.result,\s*'((?:[^'\\]|\\.)*)'\)$/.exec(expression.trim());
  return match && match[1] === task ? match[2].replace(/\\(.)/g, "$1") : undefined;
}

// ---------------------------------------------------------------------------------------------
// Leaf templates

const LEAF_TEMPLATE_KEYS = ["name", "inputs", "outputs", "container", "script", "http", "retryStrategy", "timeout", "activeDeadlineSeconds"];
const LIFTED_PREFIX = "__";

/** How a leaf template's `{{inputs.parameters.p}}` reads in Sluice. */
type LeafParameters = { ports: StepInput[]; lifted: Map<string, { text: string; source: ValueSource }> };

function leafStep(importer: Importer, context: GraphContext, name: string, template: Json, path: Path, args: Arguments): Step {
  unsupportedKeys(importer, template, path, LEAF_TEMPLATE_KEYS, "Template");
  const parameters = leafParameters(importer, context, template, path, args);
  const outputs = leafOutputs(importer, template, path);
  const common = { ...base(name), inputs: parameters.ports, outputs };
  const body = (value: unknown, field: Path) => bodyText(importer, context, parameters, String(value ?? ""), field);
  let step: Step;
  if (isJson(template.container)) {
    step = { ...common, kind: "container", container: containerConfig(importer, context, parameters, template.container, [...path, "container"], body) };
  } else if (isJson(template.script)) {
    step = { ...common, kind: "script", script: scriptConfig(importer, context, parameters, template.script, [...path, "script"], body) };
  } else {
    step = { ...common, kind: "http", http: httpConfig(importer, context, parameters, template.http as Json, [...path, "http"], body) };
    const seconds = (template.http as Json).timeoutSeconds;
    if (typeof seconds === "number" && seconds > 0) step.timeout = `${seconds}s`;
  }
  applyExecution(importer, step, template, path);
  return step;
}

/**
 * Template input parameters become ports fed by the task's arguments. Parameters named `__…` whose
 * argument is a single reference were added by the Sluice export to pass body references in: they
 * are folded back into the body text.
 */
function leafParameters(importer: Importer, context: GraphContext, template: Json, path: Path, args: Arguments): LeafParameters {
  const result: LeafParameters = { ports: [], lifted: new Map() };
  const inputs = isJson(template.inputs) ? template.inputs : {};
  if (inputs.artifacts !== undefined) warn(importer, "artifacts", "Input artifacts cannot be represented in Sluice and were not imported.", [...path, "inputs", "artifacts"]);
  unsupportedKeys(importer, inputs, [...path, "inputs"], ["parameters", "artifacts"], "Template inputs");
  const declared = new Set<string>();
  list(inputs.parameters).forEach((parameter, i) => {
    if (!isJson(parameter) || typeof parameter.name !== "string") return;
    const parameterPath = [...path, "inputs", "parameters", i];
    unsupportedKeys(importer, parameter, parameterPath, ["name", "value", "default"], "Parameter");
    declared.add(parameter.name);
    const arg = args.get(parameter.name);
    if (arg && parameter.name.startsWith(LIFTED_PREFIX) && singleToken(arg.value) !== undefined) {
      result.lifted.set(parameter.name, { text: taskText(importer, context, arg.value, arg.path), source: argoSource(importer, context, arg.value, arg.path) });
      return;
    }
    const fallback = text(parameter.value) ?? text(parameter.default);
    const port: StepInput = { name: parameter.name, type: "string", required: true };
    if (arg) port.value = argoSource(importer, context, arg.value, arg.path);
    else if (fallback !== undefined) port.value = { from: "literal", value: fallback };
    result.ports.push(port);
  });
  for (const [name, arg] of args) {
    if (!declared.has(name)) warn(importer, "unknown-argument", `Argument "${name}" is not a parameter of the template and was not imported.`, arg.path);
  }
  return result;
}

function leafOutputs(importer: Importer, template: Json, path: Path): StepOutput[] {
  const outputs = isJson(template.outputs) ? template.outputs : {};
  if (outputs.artifacts !== undefined) warn(importer, "artifacts", "Output artifacts cannot be represented in Sluice and were not imported.", [...path, "outputs", "artifacts"]);
  unsupportedKeys(importer, outputs, [...path, "outputs"], ["parameters", "artifacts"], "Template outputs");
  return list(outputs.parameters).flatMap((parameter, i) => {
    if (!isJson(parameter) || typeof parameter.name !== "string") return [];
    const parameterPath = [...path, "outputs", "parameters", i];
    unsupportedKeys(importer, parameter, parameterPath, ["name", "valueFrom"], "Output parameter");
    const from = isJson(parameter.valueFrom) ? parameter.valueFrom : {};
    if (typeof from.path === "string" && from.path !== "") {
      unsupportedKeys(importer, from, [...parameterPath, "valueFrom"], ["path"], "valueFrom");
      return [{ name: parameter.name, type: "string" as const, source: { from: "file" as const, path: from.path } }];
    }
    warn(importer, "output-expression", `Output "${parameter.name}" is not read from a file, which is all Sluice supports for containers; it was not imported.`, [...parameterPath, "valueFrom"]);
    return [];
  });
}

type BodyText = (value: unknown, field: Path) => string;

function containerConfig(importer: Importer, context: GraphContext, parameters: LeafParameters, container: Json, path: Path, body: BodyText) {
  unsupportedKeys(importer, container, path, ["image", "command", "args", "env", "workingDir", "resources", "name"], "Container");
  const config: Extract<Step, { kind: "container" }>["container"] = {
    image: String(container.image ?? ""),
    command: list(container.command).map((item, i) => body(item, [...path, "command", i])),
    args: list(container.args).map((item, i) => body(item, [...path, "args", i])),
    env: envVars(importer, context, parameters, list(container.env), [...path, "env"], body),
  };
  if (typeof container.workingDir === "string") config.workingDir = body(container.workingDir, [...path, "workingDir"]);
  const resources = resourceLimits(importer, container.resources, [...path, "resources"]);
  if (resources) config.resources = resources;
  return config;
}

const SCRIPT_LANGUAGES: Record<string, "shell" | "python" | "node"> = {
  sh: "shell",
  bash: "shell",
  ash: "shell",
  dash: "shell",
  zsh: "shell",
  python: "python",
  python3: "python",
  node: "node",
  nodejs: "node",
};

function scriptConfig(importer: Importer, context: GraphContext, parameters: LeafParameters, script: Json, path: Path, body: BodyText) {
  unsupportedKeys(importer, script, path, ["image", "command", "source", "env", "resources", "name"], "Script");
  const command = list(script.command).map(String);
  const interpreter = (command[0] ?? "").split("/").pop() ?? "";
  const language = SCRIPT_LANGUAGES[interpreter] ?? "shell";
  if (!SCRIPT_LANGUAGES[interpreter] || command.length > 1 || (language === "shell" && interpreter !== "sh")) {
    warn(importer, "script-command", `Script command ${JSON.stringify(command)} is imported as a ${language} script, which Sluice runs with "${{ shell: "sh", python: "python", node: "node" }[language]}".`, [...path, "command"]);
  }
  const config: Extract<Step, { kind: "script" }>["script"] = {
    image: String(script.image ?? ""),
    language,
    source: body(script.source, [...path, "source"]),
    env: envVars(importer, context, parameters, list(script.env), [...path, "env"], body),
  };
  const resources = resourceLimits(importer, script.resources, [...path, "resources"]);
  if (resources) config.resources = resources;
  return config;
}

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

function httpConfig(importer: Importer, context: GraphContext, parameters: LeafParameters, http: Json, path: Path, body: BodyText) {
  unsupportedKeys(importer, http, path, ["url", "method", "headers", "body", "successCondition", "timeoutSeconds"], "HTTP template");
  const method = String(http.method ?? "GET").toUpperCase();
  const known = HTTP_METHODS.find((candidate) => candidate === method);
  if (!known) warn(importer, "http-method", `HTTP method "${method}" is not supported; imported as GET.`, [...path, "method"]);
  const config: Extract<Step, { kind: "http" }>["http"] = {
    method: known ?? "GET",
    url: body(http.url, [...path, "url"]),
    headers: envVars(importer, context, parameters, list(http.headers), [...path, "headers"], body),
  };
  if (http.body !== undefined) config.body = body(http.body, [...path, "body"]);
  if (typeof http.successCondition === "string") config.successCondition = body(http.successCondition, [...path, "successCondition"]);
  return config;
}

/** Env vars and http headers: literal text, a folded reference, or a Kubernetes secret key. */
function envVars(importer: Importer, context: GraphContext, parameters: LeafParameters, entries: unknown[], path: Path, body: BodyText) {
  return entries.flatMap((entry, i) => {
    if (!isJson(entry) || typeof entry.name !== "string") return [];
    const entryPath = [...path, i];
    unsupportedKeys(importer, entry, entryPath, ["name", "value", "valueFrom"], "Environment variable");
    const value = envValue(importer, context, parameters, entry, entryPath, body);
    return value ? [{ name: entry.name, value }] : [];
  });
}

function envValue(importer: Importer, context: GraphContext, parameters: LeafParameters, entry: Json, path: Path, body: BodyText): ValueSource | undefined {
  if (isJson(entry.valueFrom)) {
    const ref = isJson(entry.valueFrom.secretKeyRef) ? entry.valueFrom.secretKeyRef : undefined;
    if (!ref || typeof ref.key !== "string") {
      warn(importer, "env-source", "Only secretKeyRef value sources are supported; this value was not imported.", [...path, "valueFrom"]);
      return undefined;
    }
    const lifted = liftedReference(parameters, ref.name);
    if (lifted?.from === "input") {
      const input = context.inputs.find((candidate) => candidate.name === lifted.name);
      if (input) input.type = "secret";
      return lifted;
    }
    return { from: "secret", name: secretNameFromKeyRef({ name: typeof ref.name === "string" ? ref.name : undefined, key: ref.key }) };
  }
  const lifted = liftedReference(parameters, entry.value);
  if (lifted && lifted.from !== "literal") return lifted;
  return { from: "literal", value: body(entry.value, [...path, "value"]) };
}

/** The source of a value that is exactly `{{inputs.parameters.__…}}` of a folded parameter. */
function liftedReference(parameters: LeafParameters, value: unknown): ValueSource | undefined {
  if (typeof value !== "string") return undefined;
  const ref = parseArgoRef(singleToken(value) ?? "");
  return ref?.kind === "input" ? parameters.lifted.get(ref.name)?.source : undefined;
}

function resourceLimits(importer: Importer, resources: unknown, path: Path): { cpu?: string; memory?: string } | undefined {
  if (!isJson(resources)) return undefined;
  unsupportedKeys(importer, resources, path, ["requests", "limits"], "Resources");
  const limits = isJson(resources.limits) ? resources.limits : {};
  const requests = isJson(resources.requests) ? resources.requests : {};
  const result: { cpu?: string; memory?: string } = {};
  for (const key of ["cpu", "memory"] as const) {
    const value = text(limits[key]) ?? text(requests[key]);
    if (value !== undefined) result[key] = value;
    if (limits[key] !== undefined && requests[key] !== undefined && String(limits[key]) !== String(requests[key])) {
      warn(importer, "resources", `The ${key} request differs from its limit; Sluice keeps one value (the limit).`, [...path, "requests", key]);
    }
  }
  for (const key of new Set([...Object.keys(limits), ...Object.keys(requests)])) {
    if (key !== "cpu" && key !== "memory") warn(importer, "resources", `Resource "${key}" is not supported and was not imported.`, [...path, "limits", key]);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Template retryStrategy and timeout (or activeDeadlineSeconds). */
function applyExecution(importer: Importer, step: Step, template: Json, path: Path): void {
  if (isJson(template.retryStrategy)) step.retry = retryPolicy(importer, template.retryStrategy, [...path, "retryStrategy"]);
  const timeout = template.timeout ?? template.activeDeadlineSeconds;
  if (timeout === undefined) return;
  const field = template.timeout !== undefined ? "timeout" : "activeDeadlineSeconds";
  const duration = toTimeout(timeout);
  if (duration) step.timeout = duration;
  else warn(importer, "timeout", `Timeout ${JSON.stringify(timeout)} cannot be represented (use s, m or h); it was not imported.`, [...path, field]);
}

const RETRY_POLICIES = ["Always", "OnFailure", "OnError", "OnTransientError"] as const;

function retryPolicy(importer: Importer, strategy: Json, path: Path): NonNullable<Step["retry"]> {
  unsupportedKeys(importer, strategy, path, ["limit", "retryPolicy", "backoff"], "retryStrategy");
  const limit = Number(strategy.limit ?? 0);
  const retry: NonNullable<Step["retry"]> = { limit: Number.isInteger(limit) ? Math.min(Math.max(limit, 0), 100) : 0, on: "OnFailure" };
  if (!Number.isInteger(limit) || limit > 100) warn(importer, "retry-limit", `Retry limit ${JSON.stringify(strategy.limit)} is imported as ${retry.limit}.`, [...path, "limit"]);
  const policy = RETRY_POLICIES.find((candidate) => candidate === strategy.retryPolicy);
  if (policy) retry.on = policy;
  else if (strategy.retryPolicy !== undefined) warn(importer, "retry-policy", `Retry policy ${JSON.stringify(strategy.retryPolicy)} is imported as OnFailure.`, [...path, "retryPolicy"]);
  if (isJson(strategy.backoff)) {
    const backoff = strategy.backoff;
    unsupportedKeys(importer, backoff, [...path, "backoff"], ["duration", "factor", "maxDuration"], "backoff");
    retry.backoff = { duration: text(backoff.duration) ?? "1s" };
    const factor = Number(backoff.factor);
    if (backoff.factor !== undefined && factor > 0) retry.backoff.factor = factor;
    if (typeof backoff.maxDuration === "string") retry.backoff.maxDuration = backoff.maxDuration;
  }
  return retry;
}

/** Argo timeouts are Go durations or seconds; Sluice takes a single unit. */
function toTimeout(value: unknown): string | undefined {
  const textValue = String(value).trim();
  if (/^\d+(ms|s|m|h)$/.test(textValue)) return textValue;
  if (/^\d+$/.test(textValue)) return `${textValue}s`;
  const parts = [...textValue.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== textValue) return undefined;
  const seconds = parts.reduce((total, part) => total + Number(part[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[part[2] as "ms" | "s" | "m" | "h"], 0);
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

// ---------------------------------------------------------------------------------------------
// Argo references and text

type ArgoRef =
  | { kind: "input"; name: string }
  | { kind: "global"; name: string }
  | { kind: "output"; step: string; output: string }
  | { kind: "result"; step: string }
  | { kind: "exitCode"; step: string }
  | { kind: "allOutputs"; step: string }
  | { kind: "item" }
  | { kind: "other" };

const ARGO_TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

function parseArgoRef(expression: string): ArgoRef {
  if (expression === "item") return { kind: "item" };
  let match = /^inputs\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "input", name: match[1] };
  match = /^workflow\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "global", name: match[1] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.outputs\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "output", step: match[1], output: match[2] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.outputs\.result$/.exec(expression);
  if (match) return { kind: "result", step: match[1] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.exitCode$/.exec(expression);
  if (match) return { kind: "exitCode", step: match[1] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.outputs\.parameters$/.exec(expression);
  if (match) return { kind: "allOutputs", step: match[1] };
  return { kind: "other" };
}

/** The expression inside a text that is exactly one `{{...}}` token. */
function singleToken(value: string): string | undefined {
  const match = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value.trim());
  return match ? match[1] : undefined;
}

/** A task-level reference to another step's output, noting outputs Argo provides implicitly. */
function stepOutputName(context: GraphContext, ref: Extract<ArgoRef, { kind: "output" | "result" | "exitCode" }>): string {
  const output = ref.kind === "output" ? ref.output : ref.kind;
  context.refs.push({ step: ref.step, output, kind: ref.kind === "output" ? "parameter" : ref.kind });
  return output;
}

/** An argument: exactly one reference becomes a data edge, anything else a literal with Sluice templates. */
function argoSource(importer: Importer, context: GraphContext, value: string, path: Path): ValueSource {
  const ref = parseArgoRef(singleToken(value) ?? "");
  switch (ref.kind) {
    case "input":
      return { from: "input", name: ref.name };
    case "global":
      if (context.top) return { from: "input", name: ref.name };
      break;
    case "output":
    case "result":
    case "exitCode":
      return { from: "step", step: ref.step, output: stepOutputName(context, ref) };
    case "allOutputs":
      warnAllOutputs(importer, value, path);
      return { from: "step", step: ref.step, output: "parameters" };
    case "item":
    case "other":
      break;
  }
  return { from: "literal", value: taskText(importer, context, value, path) };
}

/** Task-level text (when, arguments): `{{inputs.parameters.x}}` is the graph's input. */
function taskText(importer: Importer, context: GraphContext, value: string, path: Path): string {
  return value.replace(ARGO_TOKEN, (raw: string, expression: string) => {
    const ref = parseArgoRef(expression);
    switch (ref.kind) {
      case "input":
        return `{{inputs.${ref.name}}}`;
      case "global":
        if (context.top) return `{{inputs.${ref.name}}}`;
        return keepArgoVariable(importer, raw, path, " (workflow parameters are only visible at the top level in Sluice: pass it as a group input)");
      case "output":
      case "result":
      case "exitCode":
        return `{{steps.${ref.step}.outputs.${stepOutputName(context, ref)}}}`;
      case "allOutputs":
        warnAllOutputs(importer, raw, path);
        return `{{steps.${ref.step}.outputs.parameters}}`;
      case "item":
        return "{{item}}";
      case "other":
        return keepArgoVariable(importer, raw, path);
    }
  });
}

/** Text inside a leaf template: `{{inputs.parameters.p}}` is the step's port p (or a folded reference). */
function bodyText(importer: Importer, context: GraphContext, parameters: LeafParameters, value: string, path: Path): string {
  return value.replace(ARGO_TOKEN, (raw: string, expression: string) => {
    const ref = parseArgoRef(expression);
    if (ref.kind === "input") {
      const lifted = parameters.lifted.get(ref.name);
      if (!lifted) return `{{inputs.${ref.name}}}`;
      const shadowed = lifted.source.from === "input" && parameters.ports.some((port) => port.name === (lifted.source as { name: string }).name);
      if (shadowed) warn(importer, "shadowed-input", `${lifted.text} now names the step's own input of that name, not the graph input.`, path);
      return lifted.text;
    }
    if (ref.kind === "global" && context.top && !parameters.ports.some((port) => port.name === ref.name)) return `{{inputs.${ref.name}}}`;
    return keepArgoVariable(importer, raw, path);
  });
}

/** A loop's aggregated output parameters (a list of objects) have no Sluice equivalent. */
function warnAllOutputs(importer: Importer, raw: string, path: Path): void {
  warn(importer, "aggregated-outputs", `${raw.trim()} (all output parameters of a loop, as objects) has no Sluice equivalent; it now reads an output named "parameters", which you need to provide.`, path);
}

function keepArgoVariable(importer: Importer, raw: string, path: Path, hint = ""): string {
  warn(importer, "argo-variable", `${raw} has no Sluice equivalent${hint}; it was kept as is.`, path);
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Warnings and plain helpers

const FIELD_CODES: Record<string, string> = {
  onExit: "exit-handler",
  hooks: "lifecycle-hooks",
  artifacts: "artifacts",
  sidecars: "sidecars",
  initContainers: "sidecars",
  volumes: "volumes",
  volumeMounts: "volumes",
  volumeClaimTemplates: "volumes",
  withSequence: "with-sequence",
};

function unsupportedKeys(importer: Importer, value: Json, path: Path, handled: readonly string[], owner: string): void {
  for (const key of Object.keys(value)) {
    if (handled.includes(key)) continue;
    warn(importer, FIELD_CODES[key] ?? "unsupported-field", `${owner} field "${key}" cannot be represented in Sluice and was not imported.`, [...path, key]);
  }
}

function warn(importer: Importer, code: string, message: string, path: Path): void {
  const formatted = formatPath(path);
  if (importer.warnings.some((w) => w.code === code && w.message === message && w.path === formatted)) return;
  importer.warnings.push({ code, message, path: formatted });
}

/** ["spec", "templates", 0, "dag"] → "spec.templates[0].dag" */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : /^[A-Za-z_$][\w$-]*$/.test(String(part)) ? `${i === 0 ? "" : "."}${String(part)}` : `[${JSON.stringify(String(part))}]`))
    .join("");
}

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// ---------------------------------------------------------------------------------------------
// Sluice JSON

export type SluiceJsonError = { path: string; message: string; step?: string[] };
export type SluiceJsonResult = { ok: true; document: SluiceDocument } | { ok: false; errors: SluiceJsonError[] };

/** Parses a Sluice JSON document (text or object) and explains what is wrong with it. */
export function fromSluiceJson(input: string | object): SluiceJsonResult {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      return { ok: false, errors: [{ path: "", message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  }
  const parsed = sluiceDocument.safeParse(value);
  if (parsed.success) return { ok: true, document: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const error: SluiceJsonError = { path: formatPath(issue.path), message: issue.message };
      const step = stepPathAt(value, issue.path);
      if (step.length > 0) error.step = step;
      return error;
    }),
  };
}

/** The names of the steps (and groups) an issue path goes through, read from the raw document. */
function stepPathAt(document: unknown, path: readonly PropertyKey[]): string[] {
  const names: string[] = [];
  let current: unknown = document;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    current = isJson(current) ? current[String(key)] : Array.isArray(current) && typeof key === "number" ? current[key] : undefined;
    if (path[i - 1] === "steps" && typeof key === "number" && isJson(current) && typeof current.name === "string") names.push(current.name);
  }
  return names;
}
