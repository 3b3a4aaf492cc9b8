import { stringify } from "yaml";
import { exitGraph, graphEdges, specGraph } from "../graph";
import { ALL_OUTPUTS, EXIT_HANDLER, type Graph, type Step, type StepOutput, type ValueSource, type WorkflowOutput, type WorkflowSpec } from "../model";
import { formatTemplateRef, replaceTemplates } from "../templates";
import { appendWarning, TOO_MANY_WARNINGS_MESSAGE } from "../warnings";
import {
  ARGO_API_VERSION,
  DESCRIPTION_ANNOTATION,
  OUTPUTS_ANNOTATION,
  calleeTemplateName,
  defaultSecretKeyRef,
  type ArgoContainer,
  type ArgoEnvVar,
  type ArgoHttp,
  type ArgoManifest,
  type ArgoParameter,
  type ArgoResources,
  type ArgoRetryStrategy,
  type ArgoScript,
  type ArgoSecretKeyRef,
  type ArgoTask,
  type ArgoTemplate,
} from "./types";

/**
 * Sluice spec → Argo Workflow / WorkflowTemplate.
 *
 * - The entrypoint `main` is a DAG with one task per step (task name = step name). Workflow inputs
 *   are `spec.arguments.parameters` *and* `main`'s input parameters (Argo feeds the arguments to the
 *   entrypoint), so `main` also works when another workflow calls it through a templateRef; inside
 *   the DAG they read as `{{inputs.parameters.x}}`.
 * - Control and data edges become `dependencies` (not `depends`: Argo ignores `continueOn` with
 *   `depends`); `continueOnFailure` becomes `continueOn: {failed: true}`.
 * - Each container/script/http step gets its own template (identical templates are shared). Its input
 *   ports are template input parameters. Other references in its body (`{{inputs.x}}` of the graph,
 *   `{{steps.s.outputs.o}}`, `{{item}}`) are only resolvable at the task, so they are passed in as
 *   extra parameters named `__input-x`, `__step-s-o` and `__item`.
 * - Step outputs: stdout → `{{tasks.s.outputs.result}}`, file → an output parameter with
 *   `valueFrom.path`, status → `{{tasks.s.exitCode}}`, http body → `result` (with `jsonPath` →
 *   `jsonpath(...)` expression), group/callee outputs → the nested DAG's output parameters. When
 *   names or types would be lost (a stdout output not named `result`, a `json` output, ...), the
 *   template also carries the step's outputs in the `sluice.dev/outputs` annotation for re-import.
 * - Groups become nested DAG templates. `workflow` steps run the callee as a DAG template named
 *   `calleeTemplateName(workflow, version)` ("<workflow>-v<version>") when `resolveCall` returns its
 *   spec: each called version is compiled once and every call site refers to it, so the manifest
 *   grows with the number of workflows, not of call paths (a call site with its own retry or
 *   timeout gets a copy of the callee's top DAG carrying them). Otherwise they refer to template
 *   `main` of the WorkflowTemplate of that name.
 * - `map` → `withItems` (literal list) or `withParam`. `map.parallelism` needs a template of its own:
 *   the mapped task is wrapped in a one-task DAG template with `parallelism`, named after the step.
 *   Output `*` (all outputs) → `{{tasks.s.outputs.parameters}}`; a `first` graph output → an
 *   expression choosing the first of its steps whose status is Succeeded.
 * - The exit handler → a DAG template named by `spec.onExit`; it reads workflow inputs as
 *   `{{workflow.parameters.x}}` (Argo passes the arguments only to the entrypoint).
 * - `{{retries}}` and `{{workflow.<variable>}}` are Argo's own variables and stay as they are.
 * - Secrets → `valueFrom.secretKeyRef` (see `defaultSecretKeyRef`); a secret-typed input holds a
 *   secret name, and its parameter reference goes through the same mapping (by default: the Secret of
 *   that name, key "value"; the argo engine: that key of the run's own Secret).
 * What Argo cannot express (http status/header outputs, retry/timeout on a templateRef call, ...)
 * is reported in `warnings`.
 */

export type ArgoExportOptions = {
  kind: "Workflow" | "WorkflowTemplate";
  namespace?: string;
  /** the spec of a called workflow version; when given, calls are inlined instead of templateRefs */
  resolveCall?: (workflow: string, version: number) => WorkflowSpec | undefined;
  /** maps a Sluice secret name (or the parameter reference of a secret-typed input, which holds one) to a Kubernetes secret key (default: `defaultSecretKeyRef`) */
  secretKeyRef?: (secret: string) => ArgoSecretKeyRef;
};

export type ArgoExportWarning = { code: string; message: string; step?: string[] };
export type ArgoExport = { manifest: ArgoManifest; warnings: ArgoExportWarning[] };

type Exporter = {
  options: ArgoExportOptions;
  secretKeyRef: (secret: string) => ArgoSecretKeyRef;
  warnings: ArgoExportWarning[];
  /** a key of each warning, to report each once */
  warned: Set<string>;
  templates: ArgoTemplate[];
  names: Set<string>;
  /** template body (JSON) → template name, to share identical templates */
  byContent: Map<string, string>;
  /** callees being inlined, to stop recursive calls */
  inlining: string[];
  /** the DAG template body of each called workflow version, by template name */
  callees: Map<string, TemplateBody>;
};

/** One graph level compiled into one DAG template. */
type Level = {
  graph: Graph;
  steps: Map<string, Step>;
  /** path of steps from the exported workflow, for warnings */
  path: string[];
  /** template names: prefix + path inside the current (possibly inlined) workflow */
  prefix: string;
  namePath: string[];
  /** how the graph's inputs reach its DAG: as template inputs, or as workflow parameters (the exit handler) */
  inputs: "template" | "workflow";
};

/** How task-level text refers to the graph's inputs and to sibling outputs (as Argo template text). */
type Scope = { input(name: string): string; output(step: string, output: string): string };

/** A reference to a task output: a variable (`tasks.a.outputs.result`) or an expression. */
type OutputRef = { variable: string } | { expression: string };

type TemplateBody = Omit<ArgoTemplate, "name">;

export function exportToArgo(name: string, spec: WorkflowSpec, options: ArgoExportOptions): ArgoExport {
  const exporter: Exporter = {
    options,
    secretKeyRef: options.secretKeyRef ?? defaultSecretKeyRef,
    warnings: [],
    warned: new Set(),
    templates: [],
    names: new Set(["main"]),
    byContent: new Map(),
    inlining: [],
    callees: new Map(),
  };
  const main = graphTemplate(exporter, level(specGraph(spec), [], "", []), true);
  if (spec.steps.length === 0) warn(exporter, "empty-workflow", "The workflow has no steps; Argo rejects a DAG without tasks.");
  exporter.templates.unshift({ name: "main", ...main });
  const onExit = exitGraph(spec);
  const exitTemplate = onExit && addTemplate(exporter, "exit-handler", graphTemplate(exporter, { ...level(onExit, [EXIT_HANDLER], "", ["exit"]), inputs: "workflow" }, false));
  const manifest: ArgoManifest = {
    apiVersion: ARGO_API_VERSION,
    kind: options.kind,
    metadata: metadata(name, spec, options),
    spec: { entrypoint: "main", templates: exporter.templates },
  };
  if (exitTemplate) manifest.spec.onExit = exitTemplate;
  if (spec.inputs.length > 0) manifest.spec.arguments = { parameters: spec.inputs.map(workflowArgument) };
  return { manifest, warnings: exporter.warnings };
}

export function toArgo(name: string, spec: WorkflowSpec, options: ArgoExportOptions): ArgoManifest {
  return exportToArgo(name, spec, options).manifest;
}

export function toArgoYaml(name: string, spec: WorkflowSpec, options: ArgoExportOptions): string {
  return stringify(toArgo(name, spec, options), { lineWidth: 0 });
}

function metadata(name: string, spec: WorkflowSpec, options: ArgoExportOptions): ArgoManifest["metadata"] {
  const meta: ArgoManifest["metadata"] = options.kind === "Workflow" ? { generateName: `${name}-` } : { name };
  if (options.namespace) meta.namespace = options.namespace;
  if (Object.keys(spec.labels).length > 0) meta.labels = { ...spec.labels };
  if (spec.description) meta.annotations = { [DESCRIPTION_ANNOTATION]: spec.description };
  return meta;
}

function workflowArgument(input: Graph["inputs"][number]): ArgoParameter {
  const parameter: ArgoParameter = { name: input.name };
  const value = inputDefault(input);
  if (value !== undefined) parameter.value = value;
  if (input.description) parameter.description = input.description;
  return parameter;
}

/** An optional input without a default is passed as "" (Argo has no absent parameters). */
function inputDefault(input: Graph["inputs"][number]): string | undefined {
  if (input.default !== undefined) return literalText(input.default);
  return input.required ? undefined : "";
}

function level(graph: Graph, path: string[], prefix: string, namePath: string[]): Level {
  const steps = new Map<string, Step>();
  for (const step of graph.steps) if (!steps.has(step.name)) steps.set(step.name, step);
  return { graph, steps, path, prefix, namePath, inputs: "template" };
}

const TOO_MANY_WARNINGS: ArgoExportWarning = { code: "too-many-warnings", message: TOO_MANY_WARNINGS_MESSAGE };

function warn(exporter: Exporter, code: string, message: string, step?: string[]): void {
  // a code holds no line break
  appendWarning(exporter.warnings, exporter.warned, `${code}\n${message}`, step ? { code, message, step } : { code, message }, TOO_MANY_WARNINGS);
}

// ---------------------------------------------------------------------------------------------
// Templates

function addTemplate(exporter: Exporter, base: string, body: TemplateBody): string {
  const key = JSON.stringify(body);
  const existing = exporter.byContent.get(key);
  if (existing) return existing;
  const name = uniqueName(templateName(base), exporter.names);
  exporter.names.add(name);
  exporter.byContent.set(key, name);
  exporter.templates.push({ name, ...body });
  return name;
}

/** Argo field names: alphanumerics and '-', starting with an alphanumeric, at most 128 characters. */
function templateName(base: string): string {
  const cleaned = base.replace(/[^a-zA-Z0-9-]/g, "-").replace(/^-+/, "").slice(0, 120);
  return cleaned || "step";
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

const stepTemplateBase = (lvl: Level, step: Step) => lvl.prefix + [...lvl.namePath, step.name].join("-");

/** The DAG template of a graph level; `global` marks the workflow's main template. */
function graphTemplate(exporter: Exporter, lvl: Level, global: boolean): TemplateBody {
  const tasks = lvl.graph.steps.map((step) => compileStep(exporter, lvl, step));
  const body: TemplateBody = {};
  if (lvl.inputs === "template" && lvl.graph.inputs.length > 0) body.inputs = { parameters: lvl.graph.inputs.map(templateInput) };
  const outputs = lvl.graph.outputs.flatMap((output) => graphOutput(exporter, lvl, output, global));
  if (outputs.length > 0) body.outputs = { parameters: outputs };
  body.dag = { tasks };
  return body;
}

function templateInput(input: Graph["inputs"][number]): ArgoParameter {
  const value = inputDefault(input);
  return value === undefined ? { name: input.name } : { name: input.name, default: value };
}

/** A DAG output parameter; literals and inputs go through an expression, as `valueFrom.parameter` only names variables. */
function graphOutput(exporter: Exporter, lvl: Level, output: WorkflowOutput, global: boolean): ArgoParameter[] {
  const parameter: ArgoParameter = { name: output.name };
  if (global) parameter.globalName = output.name;
  const source = output.value;
  switch (source.from) {
    case "step":
      parameter.valueFrom = valueFrom(outputRef(exporter, lvl, source.step, source.output));
      break;
    case "first":
      parameter.valueFrom = { expression: firstExpression(source.of.map((option) => ({ step: option.step, ref: outputRef(exporter, lvl, option.step, option.output) }))) };
      break;
    case "literal":
      parameter.valueFrom = { expression: JSON.stringify(literalText(source.value)) };
      break;
    case "input":
      parameter.valueFrom = { expression: JSON.stringify(`{{inputs.parameters.${source.name}}}`) };
      break;
    case "secret":
      warn(exporter, "secret-output", `Output "${output.name}" reads secret "${source.name}"; Argo outputs cannot expose secrets, so it is not exported.`, lvl.path.length ? lvl.path : undefined);
      return [];
  }
  return [parameter];
}

// ---------------------------------------------------------------------------------------------
// Tasks

function dagScope(exporter: Exporter, lvl: Level): Scope {
  return {
    input: (name) => (lvl.inputs === "workflow" ? `{{workflow.parameters.${name}}}` : `{{inputs.parameters.${name}}}`),
    output: (step, output) => refText(outputRef(exporter, lvl, step, output)),
  };
}

function compileStep(exporter: Exporter, lvl: Level, step: Step): ArgoTask {
  const task = step.map?.parallelism ? wrappedTask(exporter, lvl, step) : stepTask(exporter, lvl, step, dagScope(exporter, lvl));
  const dependencies = stepDependencies(lvl.graph, step);
  return dependencies.length > 0 ? { ...task, dependencies } : task;
}

/** Control edges and the steps it reads data from: Argo only passes outputs of ancestors. */
function stepDependencies(graph: Graph, step: Step): string[] {
  const names = graphEdges({ ...graph, steps: [step] }).map((edge) => edge.from);
  return [...new Set(names)].filter((name) => name !== step.name);
}

/** The task of a step, with text resolved through `scope`. */
function stepTask(exporter: Exporter, lvl: Level, step: Step, scope: Scope): ArgoTask {
  const target = stepTarget(exporter, lvl, step, scope);
  const task: ArgoTask = { name: step.name, ...target.ref };
  if (target.parameters.length > 0) task.arguments = { parameters: target.parameters };
  if (step.when) task.when = taskText(exporter, lvl, scope, step, step.when, "step");
  if (step.map) Object.assign(task, mapItems(exporter, lvl, scope, step, step.map.over));
  if (step.continueOnFailure) task.continueOn = { failed: true };
  return task;
}

function mapItems(exporter: Exporter, lvl: Level, scope: Scope, step: Step, over: ValueSource): Pick<ArgoTask, "withItems" | "withParam"> {
  switch (over.from) {
    case "literal":
      if (Array.isArray(over.value)) return { withItems: over.value };
      return { withParam: typeof over.value === "string" ? taskText(exporter, lvl, scope, step, over.value, "port") : literalText(over.value) };
    case "input":
      return { withParam: scope.input(over.name) };
    case "step":
      return { withParam: scope.output(over.step, over.output) };
    case "secret":
      warn(exporter, "secret-map", `map.over of step "${step.name}" reads a secret, which Argo cannot iterate over; it iterates over an empty list.`, [...lvl.path, step.name]);
      return { withItems: [] };
  }
}

type Target = { ref: Pick<ArgoTask, "template" | "templateRef">; parameters: ArgoParameter[] };

function stepTarget(exporter: Exporter, lvl: Level, step: Step, scope: Scope): Target {
  switch (step.kind) {
    case "container":
    case "script":
    case "http":
      return leafTarget(exporter, lvl, step, scope);
    case "group": {
      const inner = level(step.group, [...lvl.path, step.name], lvl.prefix, [...lvl.namePath, step.name]);
      const body = { ...graphTemplate(exporter, inner, false), ...execution(exporter, lvl, step) };
      return { ref: { template: addTemplate(exporter, stepTemplateBase(lvl, step), body) }, parameters: portArguments(exporter, lvl, scope, step) };
    }
    case "workflow":
      return { ref: callRef(exporter, lvl, step), parameters: portArguments(exporter, lvl, scope, step) };
  }
}

/** Arguments for a group or callee: only ports with a value, so the callee's defaults apply otherwise. */
function portArguments(exporter: Exporter, lvl: Level, scope: Scope, step: Step): ArgoParameter[] {
  return step.inputs.flatMap((port) => (port.value ? [{ name: port.name, value: sourceText(exporter, lvl, scope, step, port.value) }] : []));
}

function callRef(exporter: Exporter, lvl: Level, step: Extract<Step, { kind: "workflow" }>): Target["ref"] {
  const { workflow, version } = step.call;
  const name = calleeTemplateName(workflow, version);
  const path = [...lvl.path, step.name];
  if (exporter.inlining.includes(name)) {
    warn(exporter, "recursive-call", `Step "${step.name}" calls ${workflow} v${version} recursively; it refers to WorkflowTemplate "${name}" instead of inlining it.`, path);
  } else {
    const body = calleeBody(exporter, name, step.call, path);
    if (body) return { template: addTemplate(exporter, name, { ...body, ...execution(exporter, lvl, step) }) };
  }
  if (step.retry || step.timeout) {
    warn(exporter, "call-execution", `Retry and timeout of step "${step.name}" are not exported: a templateRef cannot change the referenced template.`, path);
  }
  return { templateRef: { name, template: "main" } };
}

/** The DAG of a called workflow version, compiled on its first call; undefined when `resolveCall` does not know it. */
function calleeBody(exporter: Exporter, name: string, call: { workflow: string; version: number }, path: string[]): TemplateBody | undefined {
  const compiled = exporter.callees.get(name);
  if (compiled) return compiled;
  const spec = exporter.options.resolveCall?.(call.workflow, call.version);
  if (!spec) return undefined;
  if (spec.onExit) warn(exporter, "callee-exit-handler", `The exit handler of ${call.workflow} v${call.version} is not exported: Argo runs exit handlers only for whole workflows.`, path);
  exporter.inlining.push(name);
  const body = graphTemplate(exporter, level(specGraph(spec), path, `${name}-`, []), false);
  exporter.inlining.pop();
  exporter.callees.set(name, body);
  return body;
}

/** A mapped step with parallelism runs inside a one-task DAG template that carries the limit. */
function wrappedTask(exporter: Exporter, lvl: Level, step: Step): ArgoTask {
  const passed = createLifter([], dagScope(exporter, lvl));
  const passScope: Scope = {
    input: (name) => passed.ref(`input:${name}`, `__input-${name}`, (scope) => scope.input(name)),
    output: (source, output) => passed.ref(`step:${source}:${output}`, `__step-${source}-${output}`, (scope) => scope.output(source, output)),
  };
  const inner = stepTask(exporter, lvl, step, passScope);
  const body: TemplateBody = {};
  if (passed.lifted.length > 0) body.inputs = { parameters: passed.lifted.map(({ name }) => ({ name })) };
  const outputs = step.outputs.map((output) => ({ name: output.name, valueFrom: valueFrom(taskOutputRef(step, output)) }));
  if (outputs.length > 0) body.outputs = { parameters: outputs };
  body.parallelism = step.map?.parallelism;
  body.dag = { tasks: [inner] };
  const task: ArgoTask = { name: step.name, template: addTemplate(exporter, `${stepTemplateBase(lvl, step)}-map`, body) };
  if (passed.lifted.length > 0) task.arguments = { parameters: passed.lifted };
  if (step.continueOnFailure) task.continueOn = { failed: true };
  return task;
}

// ---------------------------------------------------------------------------------------------
// Leaf templates (container, script, http)

type Lifter = {
  /** `{{inputs.parameters.<name>}}` of a parameter passed in with the value `value(scope)` */
  ref(key: string, base: string, value: (scope: Scope) => string): string;
  lifted: ArgoParameter[];
};

function createLifter(taken: readonly string[], scope: Scope): Lifter {
  const byKey = new Map<string, string>();
  const names = new Set(taken);
  const lifted: ArgoParameter[] = [];
  return {
    lifted,
    ref(key, base, value) {
      let name = byKey.get(key);
      if (!name) {
        name = uniqueName(base.replace(/[^a-zA-Z0-9_-]/g, "-"), names);
        names.add(name);
        byKey.set(key, name);
        lifted.push({ name, value: value(scope) });
      }
      return `{{inputs.parameters.${name}}}`;
    },
  };
}

type LeafStep = Extract<Step, { kind: "container" | "script" | "http" }>;

function leafTarget(exporter: Exporter, lvl: Level, step: LeafStep, scope: Scope): Target {
  const lifter = createLifter(
    step.inputs.map((port) => port.name),
    scope,
  );
  const work = leafWork(exporter, lvl, step, lifter);
  const body: TemplateBody = {};
  const ports = step.inputs.map((port) => ({ name: port.name }));
  const declared = [...ports, ...lifter.lifted.map(({ name }) => ({ name }))];
  if (declared.length > 0) body.inputs = { parameters: declared };
  const outputs = leafOutputs(exporter, lvl, step);
  if (outputs.length > 0) body.outputs = { parameters: outputs };
  if (!step.outputs.every(argoCarriesOutput)) body.metadata = { annotations: { [OUTPUTS_ANNOTATION]: JSON.stringify(step.outputs) } };
  Object.assign(body, work, execution(exporter, lvl, step));
  const parameters = [...step.inputs.map((port) => ({ name: port.name, value: port.value ? sourceText(exporter, lvl, scope, step, port.value) : "" })), ...lifter.lifted];
  for (const port of step.inputs) {
    if (port.type === "secret" || port.value?.from === "secret") {
      warn(exporter, "secret-parameter", `Input "${port.name}" of step "${step.name}" holds a secret, but Argo parameters are plain text: the secret's name is passed, not its value. Read secrets through environment variables.`, [...lvl.path, step.name]);
    }
  }
  return { ref: { template: addTemplate(exporter, stepTemplateBase(lvl, step), body) }, parameters };
}

function leafWork(exporter: Exporter, lvl: Level, step: LeafStep, lifter: Lifter): Pick<ArgoTemplate, "container" | "script" | "http"> {
  const text = (value: string) => bodyText(exporter, lvl, step, lifter, value);
  switch (step.kind) {
    case "container": {
      const { image, command, args, env, workingDir, resources } = step.container;
      const container: ArgoContainer = { image };
      if (command.length > 0) container.command = command.map(text);
      if (args.length > 0) container.args = args.map(text);
      if (env.length > 0) container.env = env.map((envVar) => envEntry(exporter, lvl, step, lifter, envVar.name, envVar.value));
      if (workingDir) container.workingDir = text(workingDir);
      const limits = argoResources(resources);
      if (limits) container.resources = limits;
      return { container };
    }
    case "script": {
      const { image, language, source, env, resources } = step.script;
      const script: ArgoScript = { image, command: [SCRIPT_COMMANDS[language]], source: text(source) };
      if (env.length > 0) script.env = env.map((envVar) => envEntry(exporter, lvl, step, lifter, envVar.name, envVar.value));
      const limits = argoResources(resources);
      if (limits) script.resources = limits;
      return { script };
    }
    case "http": {
      const { method, url, headers, body, successCondition } = step.http;
      const http: ArgoHttp = { url: text(url), method };
      if (headers.length > 0) http.headers = headers.map((header) => envEntry(exporter, lvl, step, lifter, header.name, header.value));
      if (body !== undefined) http.body = text(body);
      if (successCondition) http.successCondition = text(successCondition);
      if (step.timeout) http.timeoutSeconds = Math.max(1, Math.ceil(durationSeconds(step.timeout)));
      return { http };
    }
  }
}

/** Shell scripts run with `sh`: it exists in nearly every image, bash does not. */
const SCRIPT_COMMANDS = { shell: "sh", python: "python", node: "node" } as const;

/** Sluice resources are both the request and the limit. */
function argoResources(resources: { cpu?: string; memory?: string } | undefined): ArgoResources | undefined {
  const values = Object.fromEntries(Object.entries(resources ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  return Object.keys(values).length > 0 ? { requests: values, limits: { ...values } } : undefined;
}

/** An env var or an http header. */
function envEntry(exporter: Exporter, lvl: Level, step: Step, lifter: Lifter, name: string, source: ValueSource): ArgoEnvVar {
  switch (source.from) {
    case "literal":
      return { name, value: typeof source.value === "string" ? bodyText(exporter, lvl, step, lifter, source.value) : literalText(source.value) };
    case "input": {
      const ref = lifter.ref(`input:${source.name}`, `__input-${source.name}`, (scope) => scope.input(source.name));
      const input = lvl.graph.inputs.find((candidate) => candidate.name === source.name);
      return input?.type === "secret" ? { name, valueFrom: { secretKeyRef: exporter.secretKeyRef(ref) } } : { name, value: ref };
    }
    case "step":
      return { name, value: lifter.ref(`step:${source.step}:${source.output}`, `__step-${source.step}-${source.output}`, (scope) => scope.output(source.step, source.output)) };
    case "secret":
      return { name, valueFrom: { secretKeyRef: exporter.secretKeyRef(source.name) } };
  }
}

function leafOutputs(exporter: Exporter, lvl: Level, step: LeafStep): ArgoParameter[] {
  const parameters: ArgoParameter[] = [];
  for (const output of step.outputs) {
    const { source } = output;
    if (source.from === "file") parameters.push({ name: output.name, valueFrom: { path: source.path } });
    const unsupported = source.from === "header" || (step.kind === "http" && source.from === "status");
    if (unsupported) {
      warn(exporter, "unsupported-output", `Output "${output.name}" of step "${step.name}" reads the response ${source.from}, which Argo's http template does not expose.`, [...lvl.path, step.name]);
    }
  }
  return parameters;
}

/** Whether an import can rebuild the output from the template alone (name, type and source). */
function argoCarriesOutput(output: StepOutput): boolean {
  if (output.type !== "string") return false;
  if (output.source.from === "file") return true;
  return output.name === "result" && (output.source.from === "stdout" || (output.source.from === "body" && !output.source.jsonPath));
}

function execution(exporter: Exporter, lvl: Level, step: Step): Pick<ArgoTemplate, "retryStrategy" | "timeout"> {
  const result: Pick<ArgoTemplate, "retryStrategy" | "timeout"> = {};
  if (step.retry) result.retryStrategy = retryStrategy(exporter, lvl, step, step.retry);
  if (step.timeout) result.timeout = step.timeout;
  return result;
}

function retryStrategy(exporter: Exporter, lvl: Level, step: Step, retry: NonNullable<Step["retry"]>): ArgoRetryStrategy {
  const strategy: ArgoRetryStrategy = { limit: String(retry.limit), retryPolicy: retry.on };
  if (retry.backoff) {
    const { duration, factor, maxDuration } = retry.backoff;
    strategy.backoff = { duration };
    if (factor !== undefined) {
      if (!Number.isInteger(factor)) warn(exporter, "backoff-factor", `Backoff factor ${factor} of step "${step.name}" is rounded to ${Math.round(factor)}: Argo takes whole factors.`, [...lvl.path, step.name]);
      strategy.backoff.factor = String(Math.max(1, Math.round(factor)));
    }
    if (maxDuration) strategy.backoff.maxDuration = maxDuration;
  }
  return strategy;
}

// ---------------------------------------------------------------------------------------------
// Values and text

/** Text inside a leaf template: ports stay template parameters, everything else is passed in. */
function bodyText(exporter: Exporter, lvl: Level, step: Step, lifter: Lifter, text: string): string {
  return replaceTemplates(text, (ref, raw) => {
    switch (ref.kind) {
      case "input":
        if (step.inputs.some((port) => port.name === ref.name)) return `{{inputs.parameters.${ref.name}}}`;
        return lifter.ref(`input:${ref.name}`, `__input-${ref.name}`, (scope) => scope.input(ref.name));
      case "step":
        return lifter.ref(`step:${ref.step}:${ref.output}`, `__step-${ref.step}-${ref.output}`, (scope) => scope.output(ref.step, ref.output));
      case "item":
        return ref.key === undefined ? lifter.ref("item", "__item", () => "{{item}}") : lifter.ref(`item:${ref.key}`, `__item-${ref.key}`, () => formatTemplateRef(ref));
      case "retries":
      case "workflow":
        return formatTemplateRef(ref);
      case "unknown":
        warnUnknownTemplate(exporter, lvl, step, raw);
        return raw;
    }
  });
}

/** Text evaluated at the task (when, arguments): `{{inputs.x}}` names the step's port first ("step") or only the graph's input ("port"). */
function taskText(exporter: Exporter, lvl: Level, scope: Scope, step: Step, text: string, mode: "step" | "port"): string {
  return replaceTemplates(text, (ref, raw) => {
    switch (ref.kind) {
      case "input": {
        const port = mode === "step" ? step.inputs.find((candidate) => candidate.name === ref.name) : undefined;
        if (!port) return scope.input(ref.name);
        return port.value ? sourceText(exporter, lvl, scope, step, port.value) : "";
      }
      case "step":
        return scope.output(ref.step, ref.output);
      case "item":
      case "retries":
      case "workflow":
        return formatTemplateRef(ref);
      case "unknown":
        warnUnknownTemplate(exporter, lvl, step, raw);
        return raw;
    }
  });
}

function warnUnknownTemplate(exporter: Exporter, lvl: Level, step: Step, raw: string): void {
  warn(exporter, "unknown-template", `${raw} in step "${step.name}" is not a Sluice template; it is exported unchanged.`, [...lvl.path, step.name]);
}

/** A value source as task-level text; a secret source passes the secret's name (what a secret-typed input holds). */
function sourceText(exporter: Exporter, lvl: Level, scope: Scope, step: Step, source: ValueSource): string {
  switch (source.from) {
    case "literal":
      return typeof source.value === "string" ? taskText(exporter, lvl, scope, step, source.value, "port") : literalText(source.value);
    case "input":
      return scope.input(source.name);
    case "step":
      return scope.output(source.step, source.output);
    case "secret":
      return source.name;
  }
}

/** Argo parameters are strings: numbers and booleans are formatted, null is empty, lists and objects are JSON. */
export function literalText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function outputRef(exporter: Exporter, lvl: Level, stepName: string, outputName: string): OutputRef {
  const step = lvl.steps.get(stepName);
  if (step && outputName === ALL_OUTPUTS) return { variable: `tasks.${stepName}.outputs.parameters` };
  const output = step?.outputs.find((candidate) => candidate.name === outputName);
  if (!step || !output) {
    warn(exporter, "unknown-output", `Output "${outputName}" of step "${stepName}" does not exist; it is exported as an output parameter reference.`, lvl.path.length ? lvl.path : undefined);
    return { variable: `tasks.${stepName}.outputs.parameters.${outputName}` };
  }
  if (step.map?.parallelism) return { variable: `tasks.${stepName}.outputs.parameters.${outputName}` };
  return taskOutputRef(step, output);
}

/** An output of the task that runs `step` itself. */
function taskOutputRef(step: Step, output: StepOutput): OutputRef {
  const task = `tasks.${step.name}`;
  const { source } = output;
  switch (source.from) {
    case "stdout":
      return { variable: `${task}.outputs.result` };
    case "status":
      return step.kind === "http" ? { variable: `${task}.outputs.parameters.${output.name}` } : { variable: `${task}.exitCode` };
    case "body":
      if (source.jsonPath) return { expression: `jsonpath(tasks[${quoteExpr(step.name)}].outputs.result, ${quoteExpr(source.jsonPath)})` };
      return { variable: `${task}.outputs.result` };
    case "workflow":
      return { variable: `${task}.outputs.parameters.${source.output}` };
    case "file":
    case "header":
      return { variable: `${task}.outputs.parameters.${output.name}` };
  }
}

/** `tasks['a'].status == 'Succeeded' ? <a> : tasks['b'].status == … : <c>`: the first of the outputs whose task ran; the last is the fallback. */
function firstExpression(options: { step: string; ref: OutputRef }[]): string {
  const [head, ...rest] = options;
  if (rest.length === 0) return refExpression(head.ref);
  return `tasks[${quoteExpr(head.step)}].status == 'Succeeded' ? ${refExpression(head.ref)} : ${firstExpression(rest)}`;
}

/** An output reference inside an expression: `tasks.a-b.outputs.result` → `tasks['a-b'].outputs.result`. */
function refExpression(ref: OutputRef): string {
  if ("expression" in ref) return ref.expression;
  return ref.variable
    .split(".")
    .map((part, i) => (i === 0 ? part : /^[A-Za-z_]\w*$/.test(part) ? `.${part}` : `[${quoteExpr(part)}]`))
    .join("");
}

const quoteExpr = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const refText = (ref: OutputRef) => ("variable" in ref ? `{{${ref.variable}}}` : `{{=${ref.expression}}}`);
const valueFrom = (ref: OutputRef): ArgoParameter["valueFrom"] => ("variable" in ref ? { parameter: `{{${ref.variable}}}` } : { expression: ref.expression });

function durationSeconds(duration: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
  if (!match) return 0;
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * factor;
}
