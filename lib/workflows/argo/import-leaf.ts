import { goDurationParts } from "../duration";
import { stepOutput, type Step, type StepCommon, type StepInput, type StepOutput, type ValueSource } from "../model";
import { isJson, list, parseJson, text, unsupportedKeys, warn, type Arguments, type GraphContext, type Importer, type Json, type LeafParameters, type Path, type RawTask } from "./import-context";
import { singleTokenExpression } from "../template-syntax";
import { argoSource, bodyText, parseArgoRef, taskText } from "./import-text";
import { OUTPUTS_ANNOTATION, secretNameFromKeyRef } from "./types";

/** Argo container, script and http templates → Sluice steps of the same kind. */

const LEAF_TEMPLATE_KEYS = ["name", "inputs", "outputs", "metadata", "container", "script", "http", "retryStrategy", "timeout", "activeDeadlineSeconds"];

const LIFTED_PREFIX = "__";

export function leafStep(importer: Importer, context: GraphContext, name: string, template: Json, path: Path, args: Arguments): Step {
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
    if (arg && parameter.name.startsWith(LIFTED_PREFIX) && singleTokenExpression(arg.value) !== undefined) {
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
  const annotated = annotatedOutputs(importer, template, path);
  if (annotated) return annotated;
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

/** The outputs a Sluice export recorded in the template's annotations; other pod metadata is reported. */
function annotatedOutputs(importer: Importer, template: Json, path: Path): StepOutput[] | undefined {
  const metadata = isJson(template.metadata) ? template.metadata : {};
  const annotations = isJson(metadata.annotations) ? metadata.annotations : {};
  unsupportedKeys(importer, metadata, [...path, "metadata"], ["annotations"], "Pod metadata");
  unsupportedKeys(importer, annotations, [...path, "metadata", "annotations"], [OUTPUTS_ANNOTATION], "Pod annotation");
  const raw = annotations[OUTPUTS_ANNOTATION];
  if (typeof raw !== "string") return undefined;
  const parsed = stepOutputs.safeParse(parseJson(raw));
  if (parsed.success) return parsed.data;
  warn(importer, "invalid-annotation", `Annotation "${OUTPUTS_ANNOTATION}" does not hold Sluice step outputs; the template's outputs were imported instead.`, [...path, "metadata", "annotations", OUTPUTS_ANNOTATION]);
  return undefined;
}

const stepOutputs = stepOutput.array();

/** For each task, the names its template's annotation gives to Argo's `result` and `exitCode`. */
export function outputAliases(importer: Importer, raws: RawTask[]): GraphContext["aliases"] {
  const aliases: GraphContext["aliases"] = new Map();
  for (const { task } of raws) {
    const template = isJson(task.inline) ? task.inline : importer.templates.get(String(task.template))?.template;
    const metadata = isJson(template?.metadata) ? template.metadata : {};
    const raw = isJson(metadata.annotations) ? metadata.annotations[OUTPUTS_ANNOTATION] : undefined;
    const outputs = typeof raw === "string" ? stepOutputs.safeParse(parseJson(raw)) : undefined;
    if (!outputs?.success || typeof task.name !== "string") continue;
    const result = outputs.data.find(({ source }) => source.from === "stdout" || (source.from === "body" && !source.jsonPath));
    const exitCode = outputs.data.find(({ source }) => source.from === "status");
    aliases.set(task.name, { result: result?.name, exitCode: exitCode?.name });
  }
  return aliases;
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
  const ref = parseArgoRef(singleTokenExpression(value) ?? "");
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
export function applyExecution(importer: Importer, step: Step, template: Json, path: Path): void {
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

const TIMEOUT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Argo timeouts are Go durations or seconds; Sluice takes a single unit. */
function toTimeout(value: unknown): string | undefined {
  const textValue = String(value).trim();
  if (/^\d+(ms|s|m|h)$/.test(textValue)) return textValue;
  if (/^\d+$/.test(textValue)) return `${textValue}s`;
  const parts = goDurationParts(textValue);
  if (!parts?.every((part) => part.unit in TIMEOUT_SECONDS)) return undefined;
  const seconds = parts.reduce((total, part) => total + part.amount * TIMEOUT_SECONDS[part.unit as keyof typeof TIMEOUT_SECONDS], 0);
  if (!Number.isFinite(seconds)) return undefined;
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

export function base(name: string): StepCommon {
  return { name, inputs: [], outputs: [], dependsOn: [], continueOnFailure: false };
}
