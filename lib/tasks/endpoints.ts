import { z } from "zod";
import { endpoint } from "@/lib/http/endpoint";
import { listTasksQuery, task, taskList } from "./schema";
import * as tasks from "./service";

const tag = "Background tasks";
const byId = z.object({ id: z.string() });

export const listTasks = endpoint(
  { method: "GET", path: "/tasks", summary: "List background tasks (newest first): all for platform admins, else those of objects you may read", tag, scope: "apps:read", query: listTasksQuery, response: taskList },
  (ctx) => tasks.listTasks(ctx.principal, ctx.query),
);

export const getTask = endpoint(
  { method: "GET", path: "/tasks/{id}", summary: "Get a background task: state, progress and the provider's error", tag, scope: "apps:read", params: byId, response: task },
  (ctx) => tasks.getTask(ctx.principal, ctx.params),
);

export const retryTask = endpoint(
  { method: "POST", path: "/tasks/{id}/retry", summary: "Run a failed task again", tag, scope: "apps:write", params: byId, response: task, errors: [409] },
  (ctx) => tasks.retryTask(ctx.principal, ctx.params),
);
