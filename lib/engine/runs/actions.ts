"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import { listSecretNames } from "@/lib/secrets/service";
import { parseInput } from "@/lib/validation";
import { getWorkflow } from "@/lib/workflows/service";
import { bulkRunRefs, type retryRunBody } from "./schema";
import * as runs from "./service";

type RunRef = { workspaceId: string; runId: string };
type RetryOptions = z.input<typeof retryRunBody>;

/** What the start form needs: the version it runs, that version's inputs and the workspace's secret names. */
export const startFormAction = serverAction(async (principal, input: { workspaceId: string; workflow: string }) => {
  const workflow = await getWorkflow(principal, { workspaceId: input.workspaceId, name: input.workflow });
  return { version: workflow.version.version, inputs: workflow.version.spec.inputs, secretNames: await listSecretNames(principal, { workspaceId: input.workspaceId }) };
});

export const startRunAction = serverAction(async (principal, input: { workspaceId: string; workflow: string; inputs: Record<string, unknown>; version?: number }) => {
  const run = await runs.startRun(principal, { ...input, trigger: "manual" });
  return { id: run.id };
});

export const cancelRunAction = serverAction((principal, input: RunRef) => runs.cancelRun(principal, input));

export const retryRunAction = serverAction((principal, input: RunRef & RetryOptions) => runs.retryRun(principal, input));

/** Runs one operation on each of the chosen runs; each answers on its own. */
function eachRun<T>(input: { runs: RunRef[] }, operation: (ref: RunRef) => Promise<T>) {
  const { runs: refs } = parseInput(bulkRunRefs, { runs: input.runs });
  const workspaceOf = new Map(refs.map((ref) => [ref.runId, ref.workspaceId]));
  return runs.forEachRun([...workspaceOf.keys()], (runId) => operation({ workspaceId: workspaceOf.get(runId)!, runId }));
}

export const bulkCancelRunsAction = serverAction((principal, input: { runs: RunRef[] }) => eachRun(input, (ref) => runs.cancelRun(principal, ref)));

export const bulkRetryRunsAction = serverAction((principal, input: { runs: RunRef[] } & RetryOptions) =>
  eachRun(input, (ref) => runs.retryRun(principal, { ...ref, from: input.from, version: input.version })),
);
