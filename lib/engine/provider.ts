import type { Alongside, NewRun, RunExecutor } from "./local/submit";
import type { RunRow, StepRow } from "./local/transitions";
import type { WorkflowSpec } from "@/lib/workflows/model";
import type { LogChunk, RunStep } from "./runs/schema";

/**
 * What an execution engine does for Sluice — the seed's Build SPI: start a run, stop it, read its
 * steps ("stages") with their attempts and outputs, and read its logs. Retrying is starting a new
 * run (linked to the old one) through `submit`; following logs is reading them as they come. A run
 * with one step is a run of one stage. `local` runs steps on Sluice's own workers; `argo` compiles
 * a run into an Argo Workflow and maps its nodes' phases, pods and logs onto the same steps.
 */
export interface ExecutionProvider {
  readonly name: "local" | "argo";
  /**
   * Records a new run and starts it, in one statement (in the caller's transaction, when it passes
   * one), with the inserts that go `alongside` it (its audit entry): its steps and the run itself
   * as they were recorded.
   */
  start(executor: RunExecutor, request: StartRequest): Promise<{ run: RunRow; steps: StepRow[] }>;
  /** After the starting statement committed: wake whoever runs it. */
  submitted(): void;
  /** Stops these runs' running steps (processes, pods); their state is already recorded as cancelled. */
  cancel(runIds: string[]): Promise<void>;
  /** The run's steps with state, attempts and outputs. */
  stages(runId: string): Promise<RunStep[]>;
  /** Log chunks of the run (or one step, or one attempt) after chunk `after`. */
  logs(runId: string, filter: LogFilter): Promise<LogChunk[]>;
}

/** A run to start: its version's spec, and its workspace's limit of running runs (null: none). */
export type StartRequest = { run: NewRun; spec: WorkflowSpec; workspaceLimit: number | null; alongside: Alongside[] };

export type LogFilter = { stepId?: number; attempt?: number; after?: number; limit: number };
