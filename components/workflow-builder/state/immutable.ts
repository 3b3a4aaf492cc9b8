/** Small immutable helpers over plain JSON-like values. */

export type Path = readonly (string | number)[];

/** Returns a copy of `target` with `value` at `path`; `undefined` removes an object key. Unchanged values keep identity. */
export function setIn<T>(target: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [key, ...rest] = path;
  if (Array.isArray(target)) {
    const index = key as number;
    const next = setIn(target[index], rest, value);
    if (next === target[index]) return target;
    const copy = target.slice();
    copy[index] = next;
    return copy as T;
  }
  const record = (target ?? {}) as Record<string, unknown>;
  const current = record[key as string];
  const next = rest.length === 0 ? value : setIn(current ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  if (next === current && (next !== undefined || !(key in record))) return target;
  const copy = { ...record };
  if (next === undefined) delete copy[key as string];
  else copy[key as string] = next;
  return copy as T;
}
