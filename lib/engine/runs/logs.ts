import { z } from "zod";
import { database } from "@/db/client";
import { runs } from "@/db/schema";
import { eq } from "drizzle-orm";
import { parseInput } from "@/lib/validation";
import { enterWorkspace } from "@/lib/workspaces/guard";
import { findVisibleRun, providerFor } from "./service";
import { logsQuery, TERMINAL_RUN_STATES, type LogChunk } from "./schema";

const PAGE = 1000;
const FOLLOW_POLL_MS = 300;
const logsInput = logsQuery.extend({ workspaceId: z.string(), runId: z.string() });

async function isOver(runId: string) {
  const db = await database();
  const [row] = await db.select({ state: runs.state }).from(runs).where(eq(runs.id, runId));
  return !row || (TERMINAL_RUN_STATES as string[]).includes(row.state);
}

/** A page of a run's log chunks (or one step's, one attempt's), after chunk `after`. */
export async function listLogs(p: Parameters<typeof findVisibleRun>[0], input: z.input<typeof logsInput>): Promise<{ items: LogChunk[]; done: boolean }> {
  const data = parseInput(logsInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "run.read");
  const run = await findVisibleRun(p, ws, data.runId);
  const done = await isOver(run.id);
  const items = await providerFor(run).logs(run.id, { stepId: data.step, attempt: data.attempt, after: data.after, limit: PAGE });
  return { items, done: done && items.length < PAGE };
}

/** The whole log as text, each line prefixed with its step's key, for downloading. */
export async function logText(p: Parameters<typeof findVisibleRun>[0], input: z.input<typeof logsInput>): Promise<string> {
  let text = "";
  let after = input.after;
  const keys = new Map<number, string>();
  for (;;) {
    const page = await listLogs(p, { ...input, after });
    if (keys.size === 0 && page.items.some((c) => c.stepId !== null)) {
      const ws = await enterWorkspace(p, input.workspaceId, "run.read");
      const run = await findVisibleRun(p, ws, input.runId);
      for (const stage of await providerFor(run).stages(run.id)) keys.set(stage.id, stage.key);
    }
    for (const chunk of page.items) {
      const prefix = chunk.stepId !== null ? `[${keys.get(chunk.stepId) ?? chunk.stepId}${chunk.attempt && chunk.attempt > 1 ? ` #${chunk.attempt}` : ""}] ` : "";
      text += chunk.text.replace(/^(?=.)/gm, prefix);
    }
    if (page.items.length < PAGE) return text;
    after = page.items[page.items.length - 1].id;
  }
}

/** Log chunks as they come, until the run ends (Server-Sent Events and the UI's follow mode read this). */
export async function* followLogs(p: Parameters<typeof findVisibleRun>[0], input: z.input<typeof logsInput>, signal: AbortSignal): AsyncGenerator<LogChunk[]> {
  let after = input.after;
  while (!signal.aborted) {
    const page = await listLogs(p, { ...input, after });
    if (page.items.length > 0) {
      after = page.items[page.items.length - 1].id;
      yield page.items;
    }
    if (page.done) return;
    if (page.items.length < PAGE) await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}
