import { GROUP_DEPTH_MAX, TOTAL_STEPS_MAX } from "../limits";
import { ArgoImportError, isJson, list, type Importer, type Json } from "./import-context";

/**
 * How far an Argo document expands. A task that runs a dag or steps template becomes a group holding a
 * copy of that template's steps, so a document where A runs B twice, B runs C twice, … grows
 * exponentially. Before anything is built, `checkExpansion` measures each template once (memoised)
 * and refuses a document that would pass the step limit or nest groups too deep; while building,
 * `countSteps` and `enterTemplate` hold the limits where that measure cannot follow (e.g. template
 * names made of parameters).
 */

export const isGraphTemplate = (template: Json) => isJson(template.dag) || Array.isArray(template.steps);

export const isLeafTemplate = (template: Json) => isJson(template.container) || isJson(template.script) || isJson(template.http);

/** Whether a step running the template holds other steps: a group, or a map wrapper's inner step. */
const expands = (template: Json) => isMapWrapper(template) || (!isLeafTemplate(template) && isGraphTemplate(template));

/**
 * A dag/steps template with `parallelism` around a single mapped task is how Sluice exports
 * `map.parallelism` (and how Argo users limit one loop): it is imported as that mapped step.
 */
export function isMapWrapper(template: Json): boolean {
  if (typeof template.parallelism !== "number") return false;
  const tasks = wrapperTasks(template);
  if (tasks.length !== 1) return false;
  const [task] = tasks;
  return (Array.isArray(task.withItems) || typeof task.withParam === "string") && task.depends === undefined && task.dependencies === undefined;
}

export function wrapperTasks(template: Json): Json[] {
  if (isJson(template.dag)) return list(template.dag.tasks).filter(isJson);
  const groups = list(template.steps);
  return groups.length === 1 ? list(groups[0]).filter(isJson) : [];
}

/** The template a task runs from this document (inline or by name); undefined for a templateRef or a missing name. */
export function taskTemplate(importer: Importer, task: Json): Json | undefined {
  if (isJson(task.templateRef)) return undefined;
  if (isJson(task.inline)) return task.inline;
  return importer.templates.get(typeof task.template === "string" ? task.template : "")?.template;
}

/** The most steps an import builds: SLUICE_IMPORT_MAX_STEPS, else TOTAL_STEPS_MAX. */
export function importMaxSteps(): number {
  const configured = Number(globalThis.process?.env?.SLUICE_IMPORT_MAX_STEPS);
  return Number.isInteger(configured) && configured > 0 ? configured : TOTAL_STEPS_MAX;
}

export function countSteps(importer: Importer, steps: number): void {
  importer.steps += steps;
  if (importer.steps > importer.maxSteps) throw tooManySteps(importer.maxSteps);
}

/**
 * Templates being expanded at once: the entrypoint, each group level and a map wrapper around it.
 * checkExpansion refuses deeper groups first; this bounds the recursion where it cannot follow.
 */
const EXPANDING_MAX = 2 * GROUP_DEPTH_MAX + 1;

export function enterTemplate(importer: Importer, name: string): void {
  if (importer.expanding.length >= EXPANDING_MAX) throw tooDeep();
  importer.expanding.push(name);
}

function tooDeep(): ArgoImportError {
  return new ArgoImportError(`Its dag and steps templates run each other more than ${GROUP_DEPTH_MAX} levels deep, but Sluice groups nest at most ${GROUP_DEPTH_MAX} deep.`);
}

function tooManySteps(limit: number): ArgoImportError {
  return new ArgoImportError(
    `The workflow would have more than ${limit} steps once its templates are expanded (every task that runs a dag or steps template becomes a group with a copy of its steps); the import limit is ${limit} steps (SLUICE_IMPORT_MAX_STEPS).`,
  );
}

/** Steps built inside a step that runs a template (the step itself not counted), and how many groups deep they sit. */
type Extent = { steps: number; depth: number };

type Frame = { template: Json; wrapper: boolean; children: (Json | undefined)[]; next: number; inside: Extent };

/** Throws when the import from `entry` would build more than `importer.maxSteps` steps or nest groups too deep. */
export function checkExpansion(importer: Importer, entry: Json): void {
  // as fromArgo: a dag or steps entrypoint is the workflow's graph, any other the one step of it
  const graph = isGraphTemplate(entry) && !isMapWrapper(entry);
  const inside = graph || expands(entry) ? extent(importer, entry) : { steps: 0, depth: 0 };
  const steps = graph ? inside.steps : 1 + inside.steps;
  const depth = graph ? inside.depth - 1 : inside.depth;
  if (steps > importer.maxSteps) throw tooManySteps(importer.maxSteps);
  if (depth > GROUP_DEPTH_MAX) throw tooDeep();
}

/**
 * The extent of a dag/steps template, depth first without recursion (documents may chain thousands of
 * templates), each template measured once. A template that runs itself is imported as an empty step.
 */
function extent(importer: Importer, root: Json): Extent {
  const measured = new Map<Json, Extent>();
  const stack: Frame[] = [];
  const running = new Set<Json>();
  const open = (template: Json) => {
    const wrapper = isMapWrapper(template);
    const tasks = wrapper ? wrapperTasks(template) : graphTasks(template);
    running.add(template);
    stack.push({ template, wrapper, children: tasks.map((task) => taskTemplate(importer, task)), next: 0, inside: { steps: 0, depth: 0 } });
  };
  const add = (frame: Frame, child: Extent) => {
    if (frame.wrapper) frame.inside = child;
    else frame.inside = { steps: frame.inside.steps + 1 + child.steps, depth: Math.max(frame.inside.depth, child.depth) };
    if (frame.inside.steps > importer.maxSteps) throw tooManySteps(importer.maxSteps);
  };
  open(root);
  for (;;) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      const known = child && measured.get(child);
      if (!child || !expands(child) || running.has(child)) add(frame, { steps: 0, depth: 0 });
      else if (known) add(frame, known);
      else open(child);
      continue;
    }
    stack.pop();
    running.delete(frame.template);
    const result = frame.wrapper ? frame.inside : { steps: frame.inside.steps, depth: frame.inside.depth + 1 };
    measured.set(frame.template, result);
    const parent = stack[stack.length - 1];
    if (!parent) return result;
    add(parent, result);
  }
}

/** The tasks of a dag template, or every parallel step of a steps template. */
function graphTasks(template: Json): Json[] {
  if (isJson(template.dag)) return list(template.dag.tasks).filter(isJson);
  return list(template.steps).flatMap((group) => list(group)).filter(isJson);
}
