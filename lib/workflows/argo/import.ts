import { parse } from "yaml";
import { formatField, stepSources } from "../graph";
import { applyLayeredLayout } from "../layout";
import { DNS1123_LABEL, workflowSpec, type Graph, type OutputValueSource, type Step, type StepInput, type StepOutput, type ValueSource, type WorkflowInput, type WorkflowOutput, type WorkflowSpec } from "../model";
import { inferJsonTypes } from "./infer-types";
import {
  ArgoImportError,
  isJson,
  list,
  text,
  unsupportedKeys,
  warn,
  type Argument,
  type Arguments,
  type GraphContext,
  type ImportWarning,
  type Importer,
  type Json,
  type Path,
  type RawTask,
} from "./import-context";
import { checkExpansion, countSteps, enterTemplate, importMaxSteps, isGraphTemplate, isLeafTemplate, isMapWrapper, wrapperTasks } from "./import-expansion";
import { applyExecution, base, leafStep, outputAliases } from "./import-leaf";
import { replaceTokens, singleTokenExpression } from "../template-syntax";
import { argoSource, firstOfExpression, jsonPathExpression, parseArgoRef, taskText } from "./import-text";
import { DESCRIPTION_ANNOTATION } from "./types";

export { ArgoImportError, type ImportWarning } from "./import-context";
export { fromSluiceJson, type SluiceJsonError, type SluiceJsonResult } from "../sluice-json";

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
 * The `onExit` template becomes the exit handler, imported as the entrypoint is.
 * What Sluice cannot represent is reported in `warnings` with its path in the document.
 */

export type ArgoImport = { name: string; spec: WorkflowSpec; warnings: ImportWarning[] };

const ARGO_KINDS = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];

export function fromArgo(yamlOrObject: string | object): ArgoImport {
  const document = readDocument(yamlOrObject);
  const kind = document.kind;
  if (typeof kind !== "string" || !ARGO_KINDS.includes(kind)) {
    throw new ArgoImportError(`Not an Argo workflow: kind must be one of ${ARGO_KINDS.join(", ")}, not ${JSON.stringify(kind ?? null)}.`);
  }
  const importer: Importer = {
    warnings: [],
    warned: new Set(),
    templates: new Map(),
    imported: new Set(),
    expanding: [],
    recursions: 0,
    groups: new Map(),
    steps: 0,
    maxSteps: importMaxSteps(),
  };
  const metadata = isJson(document.metadata) ? document.metadata : {};
  const specPath: Path = kind === "CronWorkflow" ? ["spec", "workflowSpec"] : ["spec"];
  const spec = kind === "CronWorkflow" ? cronWorkflowSpec(importer, document) : document.spec;
  if (!isJson(spec)) throw new ArgoImportError(`The ${kind} has no ${specPath.join(".")}.`);
  unsupportedKeys(importer, document, [], ["apiVersion", "kind", "metadata", "spec", "status"], kind);

  const { graph, onExit } = importWorkflowGraph(importer, spec, specPath);
  warnUnusedTemplates(importer);
  const result: WorkflowSpec = {
    description: description(importer, metadata),
    labels: labels(metadata),
    inputs: graph.inputs,
    outputs: graph.outputs,
    steps: graph.steps,
  };
  if (onExit) result.onExit = onExit;
  inferJsonTypes(result);
  applyLayeredLayout(result);
  const parsed = workflowSpec.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${formatField(issue.path)}: ${issue.message}`).join("; ");
    throw new ArgoImportError(`The workflow cannot be represented in Sluice: ${issues}`);
  }
  return { name: workflowName(metadata), spec: parsed.data, warnings: importer.warnings };
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

function importWorkflowGraph(importer: Importer, spec: Json, path: Path): { graph: Graph; onExit?: Step[] } {
  list(spec.templates).forEach((template, i) => {
    if (isJson(template) && typeof template.name === "string") importer.templates.set(template.name, { template, path: [...path, "templates", i] });
  });
  unsupportedKeys(importer, spec, path, ["entrypoint", "templates", "arguments", "onExit"], "Workflow spec");
  const inputs = workflowInputs(importer, spec, path);
  const graph = importEntrypoint(importer, spec, path, inputs);
  return { graph, onExit: exitSteps(importer, spec, path, graph.inputs) };
}

function importEntrypoint(importer: Importer, spec: Json, path: Path, inputs: WorkflowInput[]): Graph {
  const entryName = typeof spec.entrypoint === "string" ? spec.entrypoint : importer.templates.size === 1 ? [...importer.templates.keys()][0] : undefined;
  const entry = entryName === undefined ? undefined : importer.templates.get(entryName);
  if (!entry) throw new ArgoImportError(entryName === undefined ? "The workflow has no entrypoint." : `The entrypoint template "${entryName}" does not exist.`);
  checkExpansion(importer, entry.template);

  if (isGraphTemplate(entry.template) && !isMapWrapper(entry.template)) {
    const context: GraphContext = { top: true, inputs: mergeInputs(inputs, templateInputs(importer, entry.template, entry.path)), refs: [], aliases: new Map() };
    importer.imported.add(entryName as string);
    unsupportedKeys(importer, entry.template, entry.path, ["name", "inputs", "outputs", "dag", "steps"], "Entrypoint template");
    enterTemplate(importer, entryName as string);
    return importGraphTemplate(importer, context, entry.template, entry.path, true);
  }
  const context: GraphContext = { top: true, inputs, refs: [], aliases: new Map() };
  const declared = new Set(templateInputs(importer, entry.template, entry.path).map((input) => input.name));
  const fed = inputs.filter((input) => declared.has(input.name));
  const args: Arguments = new Map(fed.map((input) => [input.name, { value: `{{inputs.parameters.${input.name}}}`, path: [...path, "arguments"] }]));
  importer.imported.add(entryName as string);
  countSteps(importer, 1);
  const step = templateStep(importer, context, entryName as string, entry.template, entry.path, args, entry.path);
  return finishGraph(context, { inputs, outputs: [], steps: [step] });
}

/**
 * The `onExit` template, as the exit handler's steps: a dag or steps template's tasks, or one step
 * named after any other template. Like the entrypoint, it reads workflow parameters as inputs.
 */
function exitSteps(importer: Importer, spec: Json, path: Path, inputs: WorkflowInput[]): Step[] | undefined {
  if (spec.onExit === undefined) return undefined;
  const name = typeof spec.onExit === "string" ? spec.onExit : "";
  const found = importer.templates.get(name);
  if (!found) {
    warn(importer, "exit-handler", `The exit handler template "${name}" does not exist; it was not imported.`, [...path, "onExit"]);
    return undefined;
  }
  checkExpansion(importer, found.template);
  importer.imported.add(name);
  const context: GraphContext = { top: true, inputs, refs: [], aliases: new Map() };
  if (isGraphTemplate(found.template) && !isMapWrapper(found.template)) {
    unsupportedKeys(importer, found.template, found.path, ["name", "dag", "steps"], "Exit handler template");
    enterTemplate(importer, name);
    try {
      return importGraphTemplate(importer, context, found.template, found.path, false).steps;
    } finally {
      importer.expanding.pop();
    }
  }
  countSteps(importer, 1);
  const step = templateStep(importer, context, stepName(importer, name, [...path, "onExit"]), found.template, found.path, new Map(), found.path);
  return finishGraph(context, { inputs, outputs: [], steps: [step] }).steps;
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

function importGraphTemplate(importer: Importer, context: GraphContext, template: Json, path: Path, entry: boolean): Graph {
  const raws = isJson(template.dag) ? dagTasks(importer, template.dag, [...path, "dag"]) : stepsTasks(importer, list(template.steps), [...path, "steps"]);
  context.aliases = outputAliases(importer, raws);
  countSteps(importer, raws.length);
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

/** `valueFrom.parameter` naming one task output, a constant `valueFrom.expression` (as exported) or one choosing between task outputs. */
function graphOutputSource(importer: Importer, context: GraphContext, valueFrom: unknown, path: Path): OutputValueSource | undefined {
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
    const first = firstOfExpression(importer, context, from.expression, [...path, "expression"]);
    if (first) return first;
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
  const name = stepName(importer, task.name, path);
  unsupportedKeys(importer, task, path, TASK_KEYS, "Task");
  const args = taskArguments(importer, task, path);
  const step = taskTarget(importer, context, name, task, path, args);
  applyTaskFields(importer, context, step, task, path);
  step.dependsOn = raw.dependsOn;
  return step;
}

/** Task names are kept; Sluice step names have at most 63 characters. */
function stepName(importer: Importer, name: unknown, path: Path): string {
  if (typeof name !== "string" || name === "") {
    const generated = `step-${path.filter((part) => typeof part === "number").join("-")}`;
    warn(importer, "step-name", `A task without a name was imported as "${generated}".`, path);
    return generated;
  }
  if (name.length <= 63) return name;
  const short = name.slice(0, 63);
  warn(importer, "step-name", `Task name "${name}" is longer than 63 characters; it was shortened to "${short}".`, [...path, "name"]);
  return short;
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
  if (isMapWrapper(template)) return expandedStep(importer, context, name, template, args, taskPath, () => wrappedStep(importer, context, name, template, templatePath, args));
  if (isLeafTemplate(template)) return leafStep(importer, context, name, template, templatePath, args);
  if (isGraphTemplate(template)) return expandedStep(importer, context, name, template, args, taskPath, () => groupStep(importer, context, name, template, templatePath, args));
  const kind = ["resource", "suspend", "data", "containerSet", "plugin"].find((key) => template[key] !== undefined) ?? "unknown";
  warn(
    importer,
    "unsupported-template",
    `Template "${String(template.name)}" is a ${kind} template, which Sluice cannot run; step "${name}" was imported as an empty container step to keep the graph.`,
    [...templatePath, kind],
  );
  return placeholderStep(importer, context, name, args, `Imported from Argo ${kind} template "${String(template.name)}", which Sluice cannot run.`);
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

/** A step running a dag or steps template, unless the template runs itself. */
function expandedStep(importer: Importer, context: GraphContext, name: string, template: Json, args: Arguments, taskPath: Path, build: () => Step): Step {
  const templateName = String(template.name ?? name);
  if (importer.expanding.includes(templateName)) {
    importer.recursions++;
    warn(importer, "recursive-template", `Template "${templateName}" runs itself recursively, which Sluice cannot represent; step "${name}" was imported as an empty container step.`, taskPath);
    return placeholderStep(importer, context, name, args, `Recursive Argo template "${templateName}".`);
  }
  enterTemplate(importer, templateName);
  try {
    return build();
  } finally {
    importer.expanding.pop();
  }
}

function groupStep(importer: Importer, context: GraphContext, name: string, template: Json, path: Path, args: Arguments): Step {
  const templateName = String(template.name ?? name);
  const keys = ["name", "inputs", "outputs", "dag", "steps", "retryStrategy", "timeout"];
  if (template.parallelism !== undefined) {
    warn(importer, "group-parallelism", `The parallelism of template "${templateName}" is not imported: Sluice limits parallelism only on mapped steps.`, [...path, "parallelism"]);
  }
  unsupportedKeys(importer, template, path, [...keys, "parallelism"], "Template");
  const group = groupGraph(importer, template, path);
  const inputs = [...args].map(([port, arg]) => portFromArgument(importer, context, port, arg));
  const outputs: StepOutput[] = group.outputs.map((output) => ({ name: output.name, type: "string", source: { from: "workflow", output: output.name } }));
  const step: Step = { ...base(name), inputs, outputs, kind: "group", group };
  applyExecution(importer, step, template, path);
  return step;
}

/**
 * The graph of a group. It depends on the template alone (the task's arguments only feed the group's
 * ports), so each template is built once and copied for every other task that runs it; a graph built
 * while a template ran itself depends on where it was built and is not reused.
 */
function groupGraph(importer: Importer, template: Json, path: Path): Graph {
  const built = importer.groups.get(template);
  if (built) {
    countSteps(importer, built.steps);
    return structuredClone(built.graph);
  }
  const before = { steps: importer.steps, recursions: importer.recursions };
  const inner: GraphContext = { top: false, inputs: templateInputs(importer, template, path), refs: [], aliases: new Map() };
  const graph = importGraphTemplate(importer, inner, template, path, false);
  if (importer.recursions === before.recursions) importer.groups.set(template, { graph: structuredClone(graph), steps: importer.steps - before.steps });
  return graph;
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
    return replaceTokens(value, (expression, raw) => {
      const ref = parseArgoRef(expression);
      return ref.kind === "input" ? (args.get(ref.name)?.value ?? raw) : raw;
    });
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
    const ref = typeof from.parameter === "string" ? parseArgoRef(singleTokenExpression(from.parameter) ?? "") : undefined;
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
