import { z } from "zod";
import { RUN_STATES, RUN_TRIGGERS, STEP_STATES } from "@/db/schema/runs";
import { workflowSpec } from "@/lib/workflows/model";

/** REST and UI shapes of runs: one source for validation, types and the OpenAPI document. */
export const runState = z.enum(RUN_STATES);
export const stepState = z.enum(STEP_STATES);
export const runTrigger = z.enum(RUN_TRIGGERS);
export const TERMINAL_RUN_STATES: readonly z.infer<typeof runState>[] = ["succeeded", "failed", "cancelled", "timed_out"];
export const TERMINAL_STEP_STATES: readonly z.infer<typeof stepState>[] = ["succeeded", "failed", "skipped", "omitted", "cancelled", "timed_out"];

const INT32_MAX = 2_147_483_647;
export const MAX_RUN_INPUTS_BYTES = 256 * 1024;
const versionNumber = z.number().int().min(1).max(INT32_MAX);

export const runInputs = z
  .record(z.string().max(128), z.unknown())
  .refine((inputs) => JSON.stringify(inputs).length <= MAX_RUN_INPUTS_BYTES, `inputs are larger than ${MAX_RUN_INPUTS_BYTES / 1024} KiB`)
  .describe("input values by name; a secret input takes the name of a workspace secret");

export const startRunBody = z.strictObject({
  inputs: runInputs.default({}),
  version: versionNumber.optional().describe("the workflow version to run; default the latest"),
});

export const retryRunBody = z.strictObject({
  from: z.enum(["failed", "start"]).default("failed").describe("failed: rerun the failed steps, keeping what succeeded; start: run everything again"),
  version: z.enum(["same", "latest"]).default("same").describe("run the same workflow version, or the latest"),
});

export const bulkRunsBody = z.strictObject({ runIds: z.array(z.uuid()).min(1).max(200) });
/** The runs list's bulk actions: runs of any workspace the caller may enter, each named with its workspace. */
export const bulkRunRefs = z.strictObject({ runs: z.array(z.strictObject({ workspaceId: z.uuid(), runId: z.uuid() })).min(1).max(200) });

export const listRunsQuery = z.strictObject({
  workflow: z.string().max(63).optional().describe("workflow name"),
  state: runState.optional(),
  startedBy: z.string().max(200).optional().describe("user or client id, or part of its name"),
  trigger: runTrigger.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const getRunQuery = z.strictObject({ include: z.enum(["descendants"]).optional().describe("descendants: every sub-workflow run below this one") });

export const logsQuery = z.strictObject({
  step: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe("only this step's log (its id)"),
  attempt: z.coerce.number().int().min(1).max(1000).optional(),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe("only chunks after this chunk id"),
  download: z.enum(["1"]).optional().describe("answer as a file download"),
});

export const startedBy = z.object({ kind: z.enum(["user", "client", "system"]), id: z.string(), name: z.string() });

export const runSummary = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  workflow: z.object({ name: z.string(), version: z.number().int() }),
  state: runState,
  trigger: runTrigger,
  triggerRef: z.string().nullable(),
  startedBy,
  parentRunId: z.uuid().nullable(),
  rootRunId: z.uuid(),
  retryOf: z.uuid().nullable(),
  engine: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummary>;

export const stepAttempt = z.object({
  attempt: z.number().int(),
  state: stepState,
  exitCode: z.number().int().nullable(),
  error: z.string().nullable(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** A step of a run (a stage): its place in the graph, state, attempts and values (secrets masked). */
export const runStep = z.object({
  id: z.number().int(),
  key: z.string().describe('its path in the run: "prepare", "group/inner", "fan[3]"'),
  name: z.string(),
  kind: z.string(),
  parentId: z.number().int().nullable(),
  mapIndex: z.number().int().nullable(),
  item: z.unknown(),
  state: stepState,
  attempt: z.number().int(),
  inputs: z.record(z.string(), z.unknown()).nullable(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  exitCode: z.number().int().nullable(),
  error: z.string().nullable(),
  childRunId: z.uuid().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.array(stepAttempt),
});
export type RunStep = z.infer<typeof runStep>;

export const runDetail = runSummary.extend({
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  spec: workflowSpec.describe("the workflow version this run runs"),
  steps: z.array(runStep),
  children: z.array(runSummary).describe("sub-workflow runs started by this run (all descendants with include=descendants)"),
});
export type RunDetail = z.infer<typeof runDetail>;

export const runList = z.object({ items: z.array(runSummary), nextCursor: z.string().nullable() });

export const logChunk = z.object({
  id: z.number().int(),
  stepId: z.number().int().nullable(),
  attempt: z.number().int().nullable(),
  stream: z.enum(["stdout", "stderr", "system"]),
  text: z.string(),
  at: z.string(),
});
export type LogChunk = z.infer<typeof logChunk>;
export const logList = z.object({ items: z.array(logChunk), done: z.boolean().describe("the run has ended: no more chunks will come") });

export const bulkResult = z.object({ results: z.array(z.object({ runId: z.uuid(), ok: z.boolean(), error: z.string().optional(), newRunId: z.uuid().optional() })) });
