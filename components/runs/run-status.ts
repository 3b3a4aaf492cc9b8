import type { StepStatus } from "@/components/workflow-builder/graph-view";
import type { StepState } from "@/db/schema/runs";
import { parseKey } from "@/lib/engine/local/plan";
import type { RunStep } from "@/lib/engine/runs/schema";

/**
 * A run's step rows as the graph shows them. The graph has one node per step definition; a run
 * can have several rows for it: the items of a mapped step (`fan[0]`, `fan[1]`) and one instance
 * per item of an enclosing mapped group (`g[0]/inner`, `g[1]/inner`).
 */

const FINISHED: ReadonlySet<StepState> = new Set(["succeeded", "failed", "skipped", "omitted", "cancelled", "timed_out"]);
/** When every instance finished: the state that needs attention first. */
const FINISHED_ORDER: readonly StepState[] = ["failed", "timed_out", "cancelled", "succeeded", "skipped", "omitted"];

export const isFinished = (state: StepState) => FINISHED.has(state);

/** A row that a retry kept from the run it retries: finished without ever running here. */
export const isKept = (row: Pick<RunStep, "attempt" | "state">) => row.attempt === 0 && (row.state === "succeeded" || row.state === "skipped");

/** One state for several instances of a step. */
export function combinedState(states: readonly StepState[]): StepState {
  if (states.length === 1) return states[0];
  if (states.every(isFinished)) return FINISHED_ORDER.find((state) => states.includes(state)) ?? "succeeded";
  if (states.some((state) => state === "running" || isFinished(state))) return "running";
  return states.includes("queued") ? "queued" : "pending";
}

type StepRows = { instances: RunStep[]; items: RunStep[] };

/** The rows of each step of graph level `level` (group names), split into instances and map items. */
export function rowsAt(steps: readonly RunStep[], level: readonly string[]): Map<string, StepRows> {
  const rows = new Map<string, StepRows>();
  for (const row of steps) {
    const at = parseKey(row.key);
    if (at.groupPath.length !== level.length || !at.groupPath.every((group, i) => group === level[i])) continue;
    let entry = rows.get(at.name);
    if (!entry) rows.set(at.name, (entry = { instances: [], items: [] }));
    (row.mapIndex === null ? entry.instances : entry.items).push(row);
  }
  return rows;
}

function progress(rows: readonly RunStep[]): StepStatus["progress"] {
  return { done: rows.filter((row) => isFinished(row.state)).length, total: rows.length };
}

/** Each step's status at one graph level; steps with no row yet (their group has not started) have none. */
export function levelStatuses(steps: readonly RunStep[], level: readonly string[]): Map<string, StepStatus> {
  const statuses = new Map<string, StepStatus>();
  for (const [name, { instances, items }] of rowsAt(steps, level)) {
    if (instances.length === 0) continue;
    const ran = items.length > 0 ? items : instances;
    statuses.set(name, {
      state: combinedState(instances.map((row) => row.state)),
      attempts: Math.max(...ran.map((row) => row.attempt)),
      progress: items.length > 0 ? progress(items) : instances.length > 1 ? progress(instances) : undefined,
      kept: instances.every(isKept),
    });
  }
  return statuses;
}
