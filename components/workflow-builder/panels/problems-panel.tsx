"use client";

import { ChevronDown, ChevronUp, CircleCheck, TriangleAlert } from "lucide-react";
import { useState } from "react";
import type { Problem } from "@/lib/workflows/model";
import { formatField } from "@/lib/workflows/validate";
import { cn } from "@/lib/utils";
import { fieldDomId } from "../inspector/controls";
import { useProblems } from "../state/hooks";
import { useBuilderStore } from "../state/store";
import { useCanvasCommands } from "../canvas/use-canvas-commands";

function location(problem: Problem): string {
  const where = problem.step?.length ? problem.step.join(" › ") : "workflow";
  return problem.field?.length ? `${where} · ${formatField(problem.field)}` : where;
}

/** Moves focus to the inspector control of a problem's field once the inspector shows it. */
function focusField(problem: Problem) {
  if (!problem.field?.length) return;
  const scope = problem.step?.length ? problem.step.join("/") : "workflow";
  const field = problem.step?.length && problem.field[0] === "group" && (problem.field[1] === "inputs" || problem.field[1] === "outputs") ? problem.field.slice(1) : problem.field;
  const candidates: string[] = [];
  for (let n = field.length; n > 0; n--) candidates.push(fieldDomId(scope, field.slice(0, n)));
  let attempts = 0;
  const tryFocus = () => {
    const element = candidates.map((id) => document.getElementById(id)).find(Boolean);
    if (element) {
      element.closest("details")?.setAttribute("open", "");
      element.focus({ preventScroll: false });
      return;
    }
    if (++attempts < 10) setTimeout(tryFocus, 50);
  };
  setTimeout(tryFocus, 50);
}

export function ProblemsPanel({ serverProblems }: { serverProblems: readonly Problem[] }) {
  const { problems } = useProblems();
  const { focusStep } = useCanvasCommands();
  const store = useBuilderStore();
  const [open, setOpen] = useState(true);
  const all = problems.length > 0 ? problems : serverProblems;

  const show = (problem: Problem) => {
    const step = problem.step ?? [];
    const isLevelProblem = step.length > 0 && problem.field?.[0] === "group" && (problem.field[1] === "inputs" || problem.field[1] === "outputs");
    // a group's own inputs/outputs are edited inside the group, with nothing selected
    if (isLevelProblem) store.dispatch({ type: "enter", path: step });
    else focusStep(step);
    focusField(problem);
  };

  return (
    <section data-testid="problems-panel" aria-label="Problems" className="flex max-h-[40%] shrink-0 flex-col border-t border-border bg-surface">
      <h3>
        <button type="button" className="flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm font-semibold hover:bg-muted" aria-expanded={open} onClick={() => setOpen(!open)}>
          {all.length > 0 ? <TriangleAlert size={15} aria-hidden className="text-danger" /> : <CircleCheck size={15} aria-hidden className="text-ok" />}
          Problems
          <span className={cn("rounded px-1.5 text-xs", all.length > 0 ? "bg-danger/15 text-danger" : "bg-ok/15 text-ok")} data-testid="problem-count">
            {all.length}
          </span>
          <span className="ml-auto text-fg-muted">{open ? <ChevronDown size={15} aria-hidden /> : <ChevronUp size={15} aria-hidden />}</span>
        </button>
      </h3>
      {open && (
        <div className="min-h-0 overflow-y-auto">
          {all.length === 0 ? (
            <p className="px-3 pb-2 text-sm text-fg-muted">No problems: the workflow is valid.</p>
          ) : (
            <ul className="divide-y divide-border">
              {all.map((problem, i) => (
                <li key={i}>
                  <button type="button" data-testid="problem-item" data-code={problem.code} className="flex w-full items-start gap-2 px-3 py-1.5 text-left text-sm hover:bg-muted" onClick={() => show(problem)}>
                    <TriangleAlert size={14} aria-hidden className="mt-0.5 shrink-0 text-danger" />
                    <span className="min-w-0">
                      <span className="block">{problem.message}</span>
                      <span className="block font-mono text-xs text-fg-muted">{location(problem)}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
