import { describe, expect, it } from "vitest";
import type { RunStep } from "@/lib/engine/runs/schema";
import { combinedState, levelStatuses, rowsAt } from "./run-status";

let id = 0;
function row(key: string, state: RunStep["state"], extra: Partial<RunStep> = {}): RunStep {
  const index = /\[(\d+)\]$/.exec(key);
  return {
    id: ++id,
    key,
    name: key.split("/").at(-1)!.replace(/\[\d+\]$/, ""),
    kind: "container",
    parentId: null,
    mapIndex: index ? Number(index[1]) : null,
    item: null,
    state,
    attempt: state === "pending" || state === "queued" ? 0 : 1,
    inputs: null,
    outputs: null,
    exitCode: null,
    error: null,
    childRunId: null,
    startedAt: null,
    finishedAt: null,
    attempts: [],
    ...extra,
  };
}

describe("step statuses on the graph", () => {
  it("combines instances: in progress while any is unfinished, else the state that needs attention", () => {
    expect(combinedState(["succeeded"])).toBe("succeeded");
    expect(combinedState(["succeeded", "pending"])).toBe("running");
    expect(combinedState(["pending", "queued"])).toBe("queued");
    expect(combinedState(["pending", "pending"])).toBe("pending");
    expect(combinedState(["succeeded", "failed", "skipped"])).toBe("failed");
    expect(combinedState(["succeeded", "skipped"])).toBe("succeeded");
  });

  it("shows a mapped step's items done of all, and its most tried item's attempts", () => {
    const steps = [row("prepare", "succeeded"), row("fan", "running"), row("fan[0]", "succeeded"), row("fan[1]", "running", { attempt: 3 }), row("fan[2]", "pending")];
    const statuses = levelStatuses(steps, []);
    expect(statuses.get("prepare")).toEqual({ state: "succeeded", attempts: 1, progress: undefined, kept: false });
    expect(statuses.get("fan")).toEqual({ state: "running", attempts: 3, progress: { done: 1, total: 3 }, kept: false });
  });

  it("reads the steps of a group level, across the instances of a mapped group", () => {
    const steps = [row("g", "running"), row("g[0]", "succeeded"), row("g[1]", "running"), row("g[0]/inner", "succeeded"), row("g[1]/inner", "failed"), row("other/inner", "succeeded")];
    expect([...levelStatuses(steps, ["g"])]).toEqual([["inner", { state: "failed", attempts: 1, progress: { done: 2, total: 2 }, kept: false }]]);
    expect(rowsAt(steps, ["g"]).get("inner")?.instances.map((r) => r.key)).toEqual(["g[0]/inner", "g[1]/inner"]);
    expect(levelStatuses(steps, ["g", "inner"]).size).toBe(0);
  });

  it("marks steps a retry kept: finished without an attempt in this run", () => {
    const steps = [row("a", "succeeded", { attempt: 0 }), row("b", "succeeded")];
    expect(levelStatuses(steps, []).get("a")?.kept).toBe(true);
    expect(levelStatuses(steps, []).get("b")?.kept).toBe(false);
  });
});
