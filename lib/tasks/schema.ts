import { z } from "zod";
import { TASK_STATES } from "@/db/schema";

export const taskState = z.enum(TASK_STATES);

export const task = z.object({
  id: z.uuid(),
  kind: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  state: taskState,
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  progress: z.number().int().describe("0–100"),
  progressMessage: z.string(),
  error: z.string().nullable().describe("the provider's error of the last failed attempt"),
  result: z.record(z.string(), z.unknown()).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Task = z.infer<typeof task>;

export const listTasksQuery = z.strictObject({
  state: taskState.optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const taskList = z.object({ items: z.array(task), nextCursor: z.string().nullable() });
