/**
 * Sizes of untrusted values, measured without recursion (deep input cannot overflow the stack) and
 * before the schema parses them where parsing itself would recurse.
 */

/** Whether a JSON value nests at most `depth` lists and objects and its JSON text is at most about `size` characters. */
export function jsonWithin(value: unknown, depth: number, size: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let total = 0;
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number };
    const current = item.value;
    if (typeof current === "string") total += current.length + 2;
    else if (current === null || typeof current !== "object") total += String(current).length;
    else {
      if (item.depth >= depth) return false;
      total += 2;
      for (const [key, child] of Object.entries(current)) {
        total += Array.isArray(current) ? 1 : key.length + 4;
        stack.push({ value: child, depth: item.depth + 1 });
      }
    }
    if (total > size) return false;
  }
  return true;
}

/** Steps of a raw workflow spec, groups and the exit handler included, and how many groups deep a graph level sits at most. */
export function stepExtent(spec: unknown): { steps: number; depth: number } {
  const stack: { graph: unknown; depth: number }[] = [{ graph: spec, depth: 0 }];
  if (isObject(spec) && Array.isArray(spec.onExit)) stack.push({ graph: { steps: spec.onExit }, depth: 0 });
  let steps = 0;
  let deepest = 0;
  while (stack.length > 0) {
    const { graph, depth } = stack.pop() as { graph: unknown; depth: number };
    deepest = Math.max(deepest, depth);
    const list = isObject(graph) && Array.isArray(graph.steps) ? graph.steps : [];
    steps += list.length;
    for (const step of list) if (isObject(step) && isObject(step.group)) stack.push({ graph: step.group, depth: depth + 1 });
  }
  return { steps, depth: deepest };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
