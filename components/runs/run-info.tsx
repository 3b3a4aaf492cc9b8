"use client";

import Link from "next/link";
import type { RunDetail, RunSummary } from "@/lib/engine/runs/schema";
import { runPage } from "./api";
import { Section } from "./section";
import { StateBadge } from "./state-style";
import { ValuesList } from "./value-view";

/** Sub-runs as a tree under the run that started them. */
function SubRuns({ runs, parent }: { runs: RunSummary[]; parent: string }) {
  const below = runs.filter((run) => run.parentRunId === parent);
  if (below.length === 0) return null;
  return (
    <ul className="space-y-1 border-l border-border pl-3">
      {below.map((run) => (
        <li key={run.id}>
          <div className="flex items-center gap-2 text-xs">
            <Link href={runPage(run)} className="font-mono text-accent hover:underline">
              {run.id.slice(0, 8)}
            </Link>
            <span className="min-w-0 flex-1 truncate">
              {run.workflow.name} v{run.workflow.version}
            </span>
            <StateBadge state={run.state} />
          </div>
          <SubRuns runs={runs} parent={run.id} />
        </li>
      ))}
    </ul>
  );
}

/** The run itself, beside the graph while no step is selected: inputs, outputs and sub-workflow runs. */
export function RunInfo({ run }: { run: RunDetail }) {
  const secretInputs = new Set(run.spec.inputs.filter((input) => input.type === "secret").map((input) => input.name));
  return (
    <div data-testid="run-info">
      <p className="border-b border-border px-3 py-2.5 text-sm text-fg-muted">Select a step in the graph or the timeline to see its inputs, outputs, attempts and log.</p>
      <Section title="Inputs">
        <ValuesList values={run.inputs} secrets={secretInputs} empty="None." label="Run inputs" />
      </Section>
      <Section title="Outputs">
        <ValuesList values={run.outputs} empty={run.state === "succeeded" ? "None." : "Known when the run succeeds."} label="Run outputs" />
      </Section>
      <Section title={`Sub-workflow runs (${run.children.length})`}>
        {run.children.length === 0 ? <p className="text-xs text-fg-muted">None.</p> : <SubRuns runs={run.children} parent={run.id} />}
      </Section>
    </div>
  );
}
