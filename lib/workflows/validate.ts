import { canFeed, literalFits, literalType } from "./coercion";
import { effectiveOutputType, exitGraph, formatField, graphEdges, specGraph, stepEnv, stepSources, stepTexts, upstreamSteps, type FieldPath } from "./graph";
import { ALL_OUTPUTS, EXIT_HANDLER, type Graph, type OutputValueSource, type Problem, type Step, type StepKind, type StepOutput, type ValueSource, type ValueType, type WorkflowInput, type WorkflowOutput, type WorkflowSpec } from "./model";
import { goDurationParts } from "./duration";
import { PROBLEMS_MAX, STEP_NAME_MAX } from "./limits";
import { EXIT_HANDLER_VARIABLES, parseTemplates, replaceTemplates, type TemplateToken } from "./templates";

export { graphEdges, upstreamSteps, collectCalls, formatField, type GraphEdge, type FieldPath } from "./graph";

/** Argo task names (DNS-1123 labels that also allow upper case, as in Argo's own "A", "B" examples). */
export const STEP_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** Input and output parameter names. */
export const PARAMETER_NAME = /^[a-zA-Z0-9_-]+$/;
/** A step timeout, as the model's regex, and non-zero. */
const TIMEOUT = /^\d+(ms|s|m|h)$/;
/** Argo backoff durations: plain seconds ("10") or a Go duration ("10s", "1m30s", "1.5h"). */
const isBackoffDuration = (text: string) => /^\d+$/.test(text) || goDurationParts(text) !== undefined;

/** What a `workflow` step can call: one version of another workflow, as stored. */
export type CallableVersion = {
  version: number;
  inputs: WorkflowInput[];
  outputs: WorkflowOutput[];
  /** the workflows this version calls (see `collectCalls`) */
  calls: { workflow: string; version: number }[];
};

/** Everything validation needs besides the spec; plain data (use an array for `secretNames` to send it to the browser). */
export type ValidationContext = {
  secretNames: readonly string[] | ReadonlySet<string>;
  workflows: readonly { name: string; versions: readonly CallableVersion[] }[];
  /** the workflow being validated, so that calls back into it are caught */
  self?: { name: string };
  /** the step kinds the workspace may use (its tenant admins choose them); absent: all */
  allowedStepKinds?: readonly StepKind[];
};

/** Stable problem codes. */
export const PROBLEM_CODES = [
  "cycle",
  "unknown-step",
  "unknown-output",
  "unknown-input",
  "unknown-template",
  "item-outside-map",
  "not-upstream",
  "missing-value",
  "input-may-be-missing",
  "type-mismatch",
  "literal-type-mismatch",
  "duplicate-step",
  "duplicate-input",
  "duplicate-output",
  "duplicate-step-input",
  "duplicate-step-output",
  "duplicate-env",
  "invalid-step-name",
  "invalid-parameter-name",
  "unknown-secret",
  "unknown-workflow",
  "unknown-workflow-version",
  "unknown-call-input",
  "missing-call-input",
  "unknown-call-output",
  "recursive-call",
  "unknown-group-input",
  "missing-group-input",
  "unknown-group-output",
  "empty-group",
  "invalid-output-source",
  "empty-image",
  "empty-script",
  "invalid-url",
  "invalid-timeout",
  "invalid-backoff",
  "invalid-map-source",
  "invalid-parallelism",
  "step-kind-not-allowed",
  "too-many-problems",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

type Checker = {
  problems: Problem[];
  secrets: ReadonlySet<string>;
  workflows: Map<string, Map<number, CallableVersion>>;
  self?: string;
  allowedKinds?: ReadonlySet<StepKind>;
};

/** One graph level being checked. */
type Scope = {
  graph: Graph;
  /** path of the group steps leading here ([] at the top level) */
  path: string[];
  /** where this graph sits inside the step named by `path` ([] at the top level) */
  fieldPrefix: FieldPath;
  steps: Map<string, Step>;
  upstream: ReturnType<typeof upstreamSteps>;
  /** a level of the exit handler, which also reads EXIT_HANDLER_VARIABLES */
  exit: boolean;
};

type Location = { step?: string[]; field?: FieldPath; edge?: Problem["edge"] };

/** Every problem of a spec, at once. Never throws on a bad graph. */
export function validateWorkflow(spec: WorkflowSpec, ctx: ValidationContext): Problem[] {
  const checker: Checker = {
    problems: [],
    secrets: new Set(ctx.secretNames),
    workflows: new Map(ctx.workflows.map((w) => [w.name, new Map(w.versions.map((v) => [v.version, v]))])),
    self: ctx.self?.name,
    allowedKinds: ctx.allowedStepKinds ? new Set(ctx.allowedStepKinds) : undefined,
  };
  try {
    checkGraph(checker, specGraph(spec), [], [], false);
    const onExit = exitGraph(spec);
    if (onExit) checkGraph(checker, onExit, [EXIT_HANDLER], ["onExit"], true);
  } catch (error) {
    if (!(error instanceof TooManyProblems)) throw error;
  }
  return checker.problems;
}

/** Stops a validation that has reported PROBLEMS_MAX problems: past that, more only cost time and bytes. */
class TooManyProblems extends Error {}

/** A one-line description with the location, for logs and the CLI. */
export function describeProblem(problem: Problem): string {
  const where = problem.step?.length ? problem.step.join(" › ") : "workflow";
  const field = problem.field?.length ? ` (${formatField(problem.field)})` : "";
  return `${where}${field}: ${problem.message} [${problem.code}]`;
}

function report(checker: Checker, code: ProblemCode, message: string, where: Location): void {
  if (checker.problems.length === PROBLEMS_MAX) {
    checker.problems.push({ code: "too-many-problems", message: `Validation stopped after ${PROBLEMS_MAX} problems: fix these first.` });
    throw new TooManyProblems();
  }
  const problem: Problem = { code, message };
  if (where.step?.length) problem.step = where.step;
  if (where.field) problem.field = where.field;
  if (where.edge) problem.edge = where.edge;
  checker.problems.push(problem);
}

// ---------------------------------------------------------------------------------------------
// Graph level

/** One graph level; the exit handler's top level shares the workflow's inputs, checked with the workflow. */
function checkGraph(checker: Checker, graph: Graph, path: string[], fieldPrefix: FieldPath, exit: boolean): void {
  const steps = new Map<string, Step>();
  for (const step of graph.steps) if (!steps.has(step.name)) steps.set(step.name, step);
  const scope: Scope = { graph, path, fieldPrefix, steps, upstream: upstreamSteps(graph), exit };

  if (!(exit && path.length === 1)) checkGraphInputs(checker, scope);
  checkStepNames(checker, scope);
  for (const step of graph.steps) checkStep(checker, scope, step);
  checkCycles(checker, scope);
  checkGraphOutputs(checker, scope);
}

const graphLabel = (scope: Scope) => (scope.path.length === 0 ? "the workflow" : scope.exit && scope.path.length === 1 ? "the exit handler" : `group "${scope.path.join("/")}"`);
const graphLocation = (scope: Scope, field: FieldPath): Location => ({ step: scope.path, field: [...scope.fieldPrefix, ...field] });
const stepLabel = (scope: Scope, step: Step) => `step "${[...scope.path, step.name].join("/")}"`;
const stepLocation = (scope: Scope, step: Step, field: FieldPath): Location => ({ step: [...scope.path, step.name], field });

function checkGraphInputs(checker: Checker, scope: Scope): void {
  const owner = graphLabel(scope);
  checkDuplicates(checker, scope.graph.inputs, "duplicate-input", (name) => `${capitalize(owner)} declares input "${name}" more than once.`, (i) =>
    graphLocation(scope, ["inputs", i, "name"]),
  );
  scope.graph.inputs.forEach((input, i) => {
    checkParameterName(checker, input.name, `Input "${input.name}" of ${owner}`, graphLocation(scope, ["inputs", i, "name"]));
    checkInputDefault(checker, input, owner, graphLocation(scope, ["inputs", i, "default"]));
  });
}

function checkInputDefault(checker: Checker, input: WorkflowInput, owner: string, where: Location): void {
  if (input.default === undefined) return;
  if (input.type !== "secret") {
    if (!literalFits(input.default, input.type)) {
      report(checker, "literal-type-mismatch", `The default of input "${input.name}" of ${owner} is ${literalType(input.default)}, not ${input.type}.`, where);
    }
    return;
  }
  if (typeof input.default !== "string") {
    report(checker, "literal-type-mismatch", `Input "${input.name}" of ${owner} has type secret, so its default must be the name of a secret.`, where);
  } else if (!checker.secrets.has(input.default)) {
    report(checker, "unknown-secret", `Input "${input.name}" of ${owner} defaults to secret "${input.default}", which does not exist.`, where);
  }
}

function checkStepNames(checker: Checker, scope: Scope): void {
  checkDuplicates(checker, scope.graph.steps, "duplicate-step", (name) => `${capitalize(graphLabel(scope))} has more than one step named "${name}".`, (i) =>
    stepLocation(scope, scope.graph.steps[i], ["name"]),
  );
  for (const step of scope.graph.steps) {
    if (!STEP_NAME.test(step.name) || step.name.length > STEP_NAME_MAX) {
      report(
        checker,
        "invalid-step-name",
        `Step name "${step.name}" is invalid: use letters, digits and '-', starting and ending with a letter or digit, at most ${STEP_NAME_MAX} characters.`,
        stepLocation(scope, step, ["name"]),
      );
    }
  }
}

function checkGraphOutputs(checker: Checker, scope: Scope): void {
  const owner = graphLabel(scope);
  checkDuplicates(checker, scope.graph.outputs, "duplicate-output", (name) => `${capitalize(owner)} declares output "${name}" more than once.`, (i) =>
    graphLocation(scope, ["outputs", i, "name"]),
  );
  scope.graph.outputs.forEach((output, i) => {
    const consumer = `Output "${output.name}" of ${owner}`;
    checkParameterName(checker, output.name, consumer, graphLocation(scope, ["outputs", i, "name"]));
    for (const { source, field } of outputValueSources(output.value)) {
      const where = graphLocation(scope, ["outputs", i, "value", ...field]);
      checkFeed(checker, resolveSource(checker, scope, source, consumer, where), output.type, consumer, where);
    }
  });
}

/** A graph output's value as value sources: each option of a `first` source is a step source. */
function outputValueSources(value: OutputValueSource): { source: ValueSource; field: FieldPath }[] {
  if (value.from !== "first") return [{ source: value, field: [] }];
  return value.of.map((option, j) => ({ source: { from: "step", ...option }, field: ["of", j] }));
}

// ---------------------------------------------------------------------------------------------
// Cycles

function checkCycles(checker: Checker, scope: Scope): void {
  const children = new Map<string, string[]>([...scope.steps.keys()].map((name) => [name, []]));
  for (const edge of graphEdges(scope.graph)) {
    if (scope.steps.has(edge.from) && scope.steps.has(edge.to)) children.get(edge.from)?.push(edge.to);
  }
  for (const component of stronglyConnected(children)) {
    const start = component[0];
    const step = scope.steps.get(start) as Step;
    const selfLoop = children.get(start)?.includes(start) ?? false;
    if (component.length === 1 && !selfLoop) continue;
    const cycle = component.length === 1 ? [start] : shortestCycle(start, new Set(component), children);
    const last = cycle[cycle.length - 1];
    const message =
      cycle.length === 1
        ? `${capitalize(stepLabel(scope, step))} depends on itself.`
        : `Steps ${[...cycle, start].map((name) => `"${name}"`).join(" → ")} form a cycle.`;
    report(checker, "cycle", message, { step: [...scope.path, start], edge: { from: last, to: start, scope: scope.path } });
  }
}

/** Tarjan's algorithm; components come out with members in declaration order. */
function stronglyConnected(children: Map<string, string[]>): string[][] {
  const order = [...children.keys()];
  const position = new Map(order.map((name, i) => [name, i]));
  const byPosition = (a: string, b: string) => (position.get(a) as number) - (position.get(b) as number);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (name: string) => {
    index.set(name, index.size);
    low.set(name, index.get(name) as number);
    stack.push(name);
    onStack.add(name);
    for (const child of children.get(name) ?? []) {
      if (!index.has(child)) {
        visit(child);
        low.set(name, Math.min(low.get(name) as number, low.get(child) as number));
      } else if (onStack.has(child)) {
        low.set(name, Math.min(low.get(name) as number, index.get(child) as number));
      }
    }
    if (low.get(name) !== index.get(name)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== name);
    components.push(component.sort(byPosition));
  };
  for (const name of order) if (!index.has(name)) visit(name);
  return components.sort((a, b) => byPosition(a[0], b[0]));
}

/** The shortest path start → … → start inside one strongly connected component, without repeating start. */
function shortestCycle(start: string, members: Set<string>, children: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    for (const child of children.get(name) ?? []) {
      if (!members.has(child)) continue;
      if (child === start) {
        const path = [name];
        while (path[0] !== start) path.unshift(previous.get(path[0]) as string);
        return path;
      }
      if (!previous.has(child)) {
        previous.set(child, name);
        queue.push(child);
      }
    }
  }
  return [start];
}

// ---------------------------------------------------------------------------------------------
// Steps

function checkStep(checker: Checker, scope: Scope, step: Step): void {
  if (checker.allowedKinds && !checker.allowedKinds.has(step.kind)) {
    const allowed = [...checker.allowedKinds].join(", ") || "none";
    report(checker, "step-kind-not-allowed", `${capitalize(stepLabel(scope, step))} is a ${step.kind} step, which this workspace may not use (allowed: ${allowed}).`, stepLocation(scope, step, ["kind"]));
  }
  checkPorts(checker, scope, step);
  checkStepOutputs(checker, scope, step);
  checkDependencies(checker, scope, step);
  checkOtherSources(checker, scope, step);
  checkTemplates(checker, scope, step);
  checkExecution(checker, scope, step);
  switch (step.kind) {
    case "container":
      checkImage(checker, scope, step, step.container.image, "container");
      break;
    case "script":
      checkImage(checker, scope, step, step.script.image, "script");
      if (step.script.source.trim() === "") report(checker, "empty-script", `${capitalize(stepLabel(scope, step))} has an empty script.`, stepLocation(scope, step, ["script", "source"]));
      break;
    case "http":
      checkUrl(checker, scope, step, step.http.url);
      break;
    case "workflow":
      checkCall(checker, scope, step);
      break;
    case "group":
      checkGroup(checker, scope, step);
      break;
  }
}

function checkPorts(checker: Checker, scope: Scope, step: Step): void {
  const label = stepLabel(scope, step);
  checkDuplicates(checker, step.inputs, "duplicate-step-input", (name) => `${capitalize(label)} declares input "${name}" more than once.`, (i) =>
    stepLocation(scope, step, ["inputs", i, "name"]),
  );
  step.inputs.forEach((port, i) => {
    const consumer = `Input "${port.name}" of ${label}`;
    checkParameterName(checker, port.name, consumer, stepLocation(scope, step, ["inputs", i, "name"]));
    const where = stepLocation(scope, step, ["inputs", i, "value"]);
    if (!port.value) {
      if (port.required) report(checker, "missing-value", `${consumer} is required but has no value.`, where);
      return;
    }
    checkFeed(checker, resolveSource(checker, scope, port.value, consumer, where, step.name), port.type, consumer, where);
    checkOptionalSource(checker, scope, port.required, port.value, consumer, where);
  });
}

/** A required port fed by an optional graph input without a default may get no value at run time. */
function checkOptionalSource(checker: Checker, scope: Scope, required: boolean, source: ValueSource, consumer: string, where: Location): void {
  if (!required || source.from !== "input") return;
  const input = scope.graph.inputs.find((candidate) => candidate.name === source.name);
  if (input && !input.required && input.default === undefined) {
    report(checker, "input-may-be-missing", `${consumer} is required but reads input "${input.name}", which is optional and has no default.`, where);
  }
}

const OUTPUT_SOURCES: Record<StepKind, readonly StepOutput["source"]["from"][]> = {
  container: ["stdout", "file", "status"],
  script: ["stdout", "file", "status"],
  http: ["body", "status", "header"],
  workflow: ["workflow"],
  group: ["workflow"],
};

function checkStepOutputs(checker: Checker, scope: Scope, step: Step): void {
  const label = stepLabel(scope, step);
  checkDuplicates(checker, step.outputs, "duplicate-step-output", (name) => `${capitalize(label)} declares output "${name}" more than once.`, (i) =>
    stepLocation(scope, step, ["outputs", i, "name"]),
  );
  step.outputs.forEach((output, i) => {
    checkParameterName(checker, output.name, `Output "${output.name}" of ${label}`, stepLocation(scope, step, ["outputs", i, "name"]));
    const allowed = OUTPUT_SOURCES[step.kind];
    if (!allowed.includes(output.source.from)) {
      report(
        checker,
        "invalid-output-source",
        `Output "${output.name}" of ${label} reads ${output.source.from}, which a ${step.kind} step does not produce (use ${allowed.join(", ")}).`,
        stepLocation(scope, step, ["outputs", i, "source"]),
      );
    }
  });
}

function checkDependencies(checker: Checker, scope: Scope, step: Step): void {
  step.dependsOn.forEach((name, i) => {
    if (scope.steps.has(name)) return;
    report(checker, "unknown-step", `${capitalize(stepLabel(scope, step))} depends on "${name}", which is not a step of ${graphLabel(scope)}.`, {
      ...stepLocation(scope, step, ["dependsOn", i]),
      edge: { from: name, to: step.name, scope: scope.path },
    });
  });
}

/** Env vars, headers and map.over (ports are checked with their types in checkPorts). */
function checkOtherSources(checker: Checker, scope: Scope, step: Step): void {
  const label = stepLabel(scope, step);
  const env = stepEnv(step);
  if (env) {
    checkDuplicates(checker, env.vars, "duplicate-env", (name) => `${capitalize(label)} sets environment variable "${name}" more than once.`, (i) =>
      stepLocation(scope, step, [env.key, "env", i, "name"]),
    );
  }
  for (const site of stepSources(step)) {
    if (site.field[0] === "inputs") continue;
    const where = stepLocation(scope, step, site.field);
    const resolved = resolveSource(checker, scope, site.source, `${capitalize(describeTarget(site.target))} of ${label}`, where, step.name);
    if (site.target === "map.over") checkMapSource(checker, resolved, label, where);
  }
}

function describeTarget(target: string): string {
  if (target.startsWith("env.")) return `environment variable "${target.slice(4)}"`;
  if (target.startsWith("header.")) return `header "${target.slice(7)}"`;
  if (target === "map.over") return "map.over";
  return `input "${target}"`;
}

function checkMapSource(checker: Checker, resolved: Resolved, label: string, where: Location): void {
  if (resolved.kind === "literal" && !Array.isArray(resolved.value)) {
    report(checker, "invalid-map-source", `map.over of ${label} must be a list, but its literal value is ${literalType(resolved.value)}.`, where);
  } else if (resolved.kind === "typed" && resolved.type !== "json") {
    report(checker, "invalid-map-source", `map.over of ${label} must be a list (type json), but ${resolved.what} is ${resolved.type}.`, where);
  }
}

function checkTemplates(checker: Checker, scope: Scope, step: Step): void {
  for (const site of stepTexts(step)) {
    for (const token of parseTemplates(site.text)) {
      const where = stepLocation(scope, step, site.field);
      const context = `${token.raw} in ${describeField(step, site.field)} of ${stepLabel(scope, step)}`;
      checkTemplate(checker, scope, step, token, site.scope, context, where);
    }
  }
}

function checkTemplate(checker: Checker, scope: Scope, step: Step, token: TemplateToken, textScope: "step" | "port", context: string, where: Location): void {
  const { ref } = token;
  switch (ref.kind) {
    case "input": {
      const isPort = textScope === "step" && step.inputs.some((port) => port.name === ref.name);
      if (isPort || scope.graph.inputs.some((input) => input.name === ref.name)) return;
      const owners = textScope === "step" ? `neither the step nor ${graphLabel(scope)} has` : `${graphLabel(scope)} has no`;
      report(checker, "unknown-input", `${context} does not resolve: ${owners} input "${ref.name}".`, where);
      return;
    }
    case "step": {
      const source = scope.steps.get(ref.step);
      if (!source) {
        report(checker, "unknown-step", `${context} reads step "${ref.step}", which is not a step of ${graphLabel(scope)}.`, where);
      } else if (ref.output !== ALL_OUTPUTS && !source.outputs.some((output) => output.name === ref.output)) {
        report(checker, "unknown-output", `${context} reads output "${ref.output}" of step "${ref.step}", which that step does not declare.`, where);
      } else if (ref.step === step.name) {
        report(checker, "not-upstream", `${context} reads the step's own output.`, where);
      } else if (!scope.upstream.get(step.name)?.has(ref.step)) {
        report(checker, "not-upstream", `${context} reads step "${ref.step}", which is not upstream of it: make it depend on "${ref.step}".`, where);
      }
      return;
    }
    case "item":
      if (!step.map) report(checker, "item-outside-map", `${context} is only available in a step with map.`, where);
      return;
    case "retries":
      return;
    case "workflow":
      if (!scope.exit && (EXIT_HANDLER_VARIABLES as readonly string[]).includes(ref.name)) {
        report(checker, "unknown-template", `${context} is only available in the exit handler (onExit).`, where);
      }
      return;
    case "unknown":
      report(checker, "unknown-template", `${context} is not a Sluice template: use {{inputs.<name>}}, {{steps.<step>.outputs.<name>}}, {{item}}, {{item.<key>}}, {{retries}} or {{workflow.<name|uid|creationTimestamp|scheduledTime|status>}}.`, where);
      return;
  }
}

function describeField(step: Step, field: FieldPath): string {
  const [head, second, third] = field;
  if (head === "inputs" && typeof second === "number") return `the value of input "${step.inputs[second]?.name}"`;
  const env = stepEnv(step);
  if (env && head === env.key && second === "env" && typeof third === "number") return `environment variable "${env.vars[third]?.name}"`;
  if (step.kind === "http" && second === "headers" && typeof third === "number") return `header "${step.http.headers[third]?.name}"`;
  return formatField(field);
}

function checkExecution(checker: Checker, scope: Scope, step: Step): void {
  const label = stepLabel(scope, step);
  if (step.timeout !== undefined && (!TIMEOUT.test(step.timeout) || Number.parseInt(step.timeout, 10) === 0)) {
    report(checker, "invalid-timeout", `Timeout "${step.timeout}" of ${label} is invalid: use a positive duration such as 30s, 5m or 2h.`, stepLocation(scope, step, ["timeout"]));
  }
  const backoff = step.retry?.backoff;
  for (const key of ["duration", "maxDuration"] as const) {
    const value = backoff?.[key];
    if (value !== undefined && !isBackoffDuration(value)) {
      report(checker, "invalid-backoff", `Retry backoff ${key} "${value}" of ${label} is not a duration (e.g. 10s, 1m30s).`, stepLocation(scope, step, ["retry", "backoff", key]));
    }
  }
  const parallelism = step.map?.parallelism;
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism >= 1)) {
    report(checker, "invalid-parallelism", `map.parallelism of ${label} must be a whole number of at least 1, not ${parallelism}.`, stepLocation(scope, step, ["map", "parallelism"]));
  }
}

function checkImage(checker: Checker, scope: Scope, step: Step, image: string, key: "container" | "script"): void {
  if (image.trim() === "") report(checker, "empty-image", `${capitalize(stepLabel(scope, step))} has no image.`, stepLocation(scope, step, [key, "image"]));
}

function checkUrl(checker: Checker, scope: Scope, step: Step, url: string): void {
  const where = stepLocation(scope, step, ["http", "url"]);
  const label = capitalize(stepLabel(scope, step));
  if (url.trim() === "") {
    report(checker, "invalid-url", `${label} has no URL.`, where);
  } else if (!isHttpUrl(url)) {
    report(checker, "invalid-url", `${label} has an invalid URL "${url}": use an absolute http:// or https:// URL (templates are allowed).`, where);
  }
}

/** A URL that starts with a template is only known at run time; otherwise templates stand in for plain text. */
function isHttpUrl(url: string): boolean {
  const text = url.trim();
  if (text.startsWith("{{")) return true;
  try {
    const parsed = new URL(replaceTemplates(text, () => "x"));
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Groups and calls: a step's input ports feed the inputs of the group or callee with the same name;
// its outputs read the group's or callee's outputs (source `workflow`).

type Signature = { inputs: WorkflowInput[]; outputs: WorkflowOutput[] };
type SignatureWords = { what: string; unknownInput: ProblemCode; missingInput: ProblemCode; unknownOutput: ProblemCode };

function checkGroup(checker: Checker, scope: Scope, step: Extract<Step, { kind: "group" }>): void {
  if (step.group.steps.length === 0) {
    report(checker, "empty-group", `${capitalize(stepLabel(scope, step))} is a group with no steps.`, stepLocation(scope, step, ["group", "steps"]));
  }
  checkSignature(checker, scope, step, step.group, { what: "the group", unknownInput: "unknown-group-input", missingInput: "missing-group-input", unknownOutput: "unknown-group-output" });
  checkGraph(checker, step.group, [...scope.path, step.name], ["group"], scope.exit);
}

function checkCall(checker: Checker, scope: Scope, step: Extract<Step, { kind: "workflow" }>): void {
  const label = capitalize(stepLabel(scope, step));
  const { workflow, version } = step.call;
  const where = stepLocation(scope, step, ["call", "workflow"]);
  if (workflow.trim() === "") {
    report(checker, "unknown-workflow", `${label} does not say which workflow to call.`, where);
    return;
  }
  if (workflow === checker.self) {
    report(checker, "recursive-call", `${label} calls workflow "${workflow}", the workflow it belongs to.`, where);
  }
  const versions = checker.workflows.get(workflow);
  if (!versions) {
    report(checker, "unknown-workflow", `${label} calls workflow "${workflow}", which does not exist.`, where);
    return;
  }
  const callee = versions.get(version);
  if (!callee) {
    const known = [...versions.keys()].sort((a, b) => a - b).join(", ") || "none";
    report(checker, "unknown-workflow-version", `${label} calls version ${version} of workflow "${workflow}", which does not exist (versions: ${known}).`, stepLocation(scope, step, ["call", "version"]));
    return;
  }
  if (workflow !== checker.self) checkCallChain(checker, step.call, label, where);
  checkSignature(checker, scope, step, callee, { what: `workflow "${workflow}" v${version}`, unknownInput: "unknown-call-input", missingInput: "missing-call-input", unknownOutput: "unknown-call-output" });
}

function checkCallChain(checker: Checker, call: { workflow: string; version: number }, label: string, where: Location): void {
  const chain = findCallLoop(checker, call);
  if (!chain) return;
  const text = chain.map((link) => `${link.workflow} v${link.version}`).join(" → ");
  const last = chain[chain.length - 1];
  const message =
    last.workflow === checker.self
      ? `${label} calls workflow "${call.workflow}" v${call.version}, which calls back into "${checker.self}": ${text}.`
      : `${label} calls workflow "${call.workflow}" v${call.version}, whose calls loop forever: ${text}.`;
  report(checker, "recursive-call", message, where);
}

type CallLink = { workflow: string; version: number };

/** A chain from `start` that reaches the validated workflow or loops; undefined when calls terminate. */
function findCallLoop(checker: Checker, start: CallLink): CallLink[] | undefined {
  const done = new Set<string>();
  const walk = (link: CallLink, chain: CallLink[]): CallLink[] | undefined => {
    const key = `${link.workflow}@${link.version}`;
    const next = [...chain, link];
    if (link.workflow === checker.self) return next;
    if (chain.some((previous) => `${previous.workflow}@${previous.version}` === key)) return next;
    if (done.has(key)) return undefined;
    for (const call of checker.workflows.get(link.workflow)?.get(link.version)?.calls ?? []) {
      const found = walk(call, next);
      if (found) return found;
    }
    done.add(key);
    return undefined;
  };
  return walk(start, []);
}

function checkSignature(checker: Checker, scope: Scope, step: Step, signature: Signature, words: SignatureWords): void {
  const label = stepLabel(scope, step);
  step.inputs.forEach((port, i) => {
    const target = signature.inputs.find((input) => input.name === port.name);
    const where = stepLocation(scope, step, ["inputs", i, "name"]);
    if (!target) {
      report(checker, words.unknownInput, `${capitalize(label)} passes input "${port.name}", which ${words.what} does not declare.`, where);
    } else if (!canFeed(port.type, target.type)) {
      report(checker, "type-mismatch", `Input "${port.name}" of ${label} has type ${port.type}, but ${words.what} expects ${target.type}.`, stepLocation(scope, step, ["inputs", i, "type"]));
    }
  });
  for (const input of signature.inputs) {
    if (input.required && input.default === undefined && !step.inputs.some((port) => port.name === input.name)) {
      report(checker, words.missingInput, `${capitalize(label)} does not pass input "${input.name}", which ${words.what} requires.`, stepLocation(scope, step, ["inputs"]));
    }
  }
  step.outputs.forEach((output, i) => {
    if (output.source.from !== "workflow") return;
    const name = output.source.output;
    const source = signature.outputs.find((candidate) => candidate.name === name);
    const where = stepLocation(scope, step, ["outputs", i, "source"]);
    if (!source) {
      report(checker, words.unknownOutput, `Output "${output.name}" of ${label} reads output "${name}" of ${words.what}, which it does not declare.`, where);
    } else if (!canFeed(source.type, output.type)) {
      report(checker, "type-mismatch", `Output "${output.name}" of ${label} has type ${output.type}, but output "${name}" of ${words.what} is ${source.type}.`, where);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Value sources

type Resolved = { kind: "typed"; type: ValueType; what: string } | { kind: "literal"; value: unknown } | { kind: "unresolved" };

/** Resolves a value source in a graph, reporting unknown steps, outputs, inputs and secrets. */
function resolveSource(checker: Checker, scope: Scope, source: ValueSource, consumer: string, where: Location, consumerStep?: string): Resolved {
  switch (source.from) {
    case "literal":
      return { kind: "literal", value: source.value };
    case "input": {
      const input = scope.graph.inputs.find((candidate) => candidate.name === source.name);
      if (input) return { kind: "typed", type: input.type, what: `input "${input.name}"` };
      report(checker, "unknown-input", `${consumer} reads input "${source.name}", which ${graphLabel(scope)} does not declare.`, where);
      return { kind: "unresolved" };
    }
    case "step": {
      const edge = consumerStep ? { edge: { from: source.step, to: consumerStep, scope: scope.path } } : {};
      const step = scope.steps.get(source.step);
      if (!step) {
        report(checker, "unknown-step", `${consumer} reads step "${source.step}", which is not a step of ${graphLabel(scope)}.`, { ...where, ...edge });
        return { kind: "unresolved" };
      }
      if (source.output === ALL_OUTPUTS) return { kind: "typed", type: "json", what: `all outputs of step "${step.name}"` };
      const output = step.outputs.find((candidate) => candidate.name === source.output);
      if (!output) {
        report(checker, "unknown-output", `${consumer} reads output "${source.output}" of step "${source.step}", which that step does not declare.`, { ...where, ...edge });
        return { kind: "unresolved" };
      }
      const what = step.map ? `output "${output.name}" of mapped step "${step.name}" (a list)` : `output "${output.name}" of step "${step.name}"`;
      return { kind: "typed", type: effectiveOutputType(step, output), what };
    }
    case "secret":
      if (!checker.secrets.has(source.name)) report(checker, "unknown-secret", `${consumer} uses secret "${source.name}", which does not exist.`, where);
      return { kind: "typed", type: "secret", what: `secret "${source.name}"` };
  }
}

function checkFeed(checker: Checker, resolved: Resolved, target: ValueType, consumer: string, where: Location): void {
  if (resolved.kind === "typed" && !canFeed(resolved.type, target)) {
    report(checker, "type-mismatch", `${consumer} has type ${target}, but ${resolved.what} is ${resolved.type}.`, where);
  } else if (resolved.kind === "literal" && !literalFits(resolved.value, target)) {
    const message =
      target === "secret"
        ? `${consumer} has type secret, so its value must reference a secret, not a literal.`
        : `${consumer} has type ${target}, but its literal value is ${literalType(resolved.value)}.`;
    report(checker, "literal-type-mismatch", message, where);
  }
}

// ---------------------------------------------------------------------------------------------
// Names

function checkDuplicates(checker: Checker, items: readonly { name: string }[], code: ProblemCode, message: (name: string) => string, where: (index: number) => Location): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) report(checker, code, message(item.name), where(i));
    seen.add(item.name);
  });
}

function checkParameterName(checker: Checker, name: string, owner: string, where: Location): void {
  if (!PARAMETER_NAME.test(name)) {
    report(checker, "invalid-parameter-name", `${owner} has an invalid name: use only letters, digits, '_' and '-'.`, where);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
