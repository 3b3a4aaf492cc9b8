import { z } from "zod";
import { endpoint, Reply } from "@/lib/http/endpoint";
import { followLogs, listLogs, logText } from "./logs";
import { getRunQuery, listRunsQuery, logList, logsQuery, retryRunBody, runDetail, runList, runSummary, startRunBody } from "./schema";
import * as runs from "./service";

const tag = "Runs";
const inWorkspace = z.object({ id: z.string() });
const byWorkflow = z.object({ id: z.string(), name: z.string() });
const byRun = z.object({ id: z.string(), runId: z.string() });

export const startRun = endpoint(
  {
    method: "POST",
    path: "/workspaces/{id}/workflows/{name}/runs",
    summary: "Start a run of the workflow (its latest version unless `version`) with typed inputs",
    tag,
    scope: "runs:write",
    params: byWorkflow,
    body: startRunBody,
    response: runDetail,
    status: 201,
  },
  (ctx) => runs.startRun(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id, workflow: ctx.params.name, trigger: "api" }),
);

export const listWorkspaceRuns = endpoint(
  { method: "GET", path: "/workspaces/{id}/runs", summary: "Runs of a workspace, newest first (filters, cursor)", tag, scope: "runs:read", params: inWorkspace, query: listRunsQuery, response: runList },
  (ctx) => runs.listRuns(ctx.principal, { ...ctx.query, workspaceId: ctx.params.id }),
);

export const listAllRuns = endpoint(
  { method: "GET", path: "/runs", summary: "Runs of every workspace the caller may enter, newest first", tag, scope: "runs:read", query: listRunsQuery, response: runList },
  (ctx) => runs.listRuns(ctx.principal, ctx.query),
);

export const getRun = endpoint(
  { method: "GET", path: "/workspaces/{id}/runs/{runId}", summary: "A run with its steps, attempts, outputs and sub-runs (`include=descendants`: all below it)", tag, scope: "runs:read", params: byRun, query: getRunQuery, response: runDetail },
  (ctx) => runs.getRun(ctx.principal, { ...ctx.query, workspaceId: ctx.params.id, runId: ctx.params.runId }),
);

export const cancelRun = endpoint(
  { method: "POST", path: "/workspaces/{id}/runs/{runId}/cancel", summary: "Cancel a run and its sub-runs: their processes stop", tag, scope: "runs:write", params: byRun, response: runSummary, errors: [409] },
  (ctx) => runs.cancelRun(ctx.principal, { workspaceId: ctx.params.id, runId: ctx.params.runId }),
);

export const retryRun = endpoint(
  {
    method: "POST",
    path: "/workspaces/{id}/runs/{runId}/retry",
    summary: "Retry a run that ended, as a new run: from its failed steps (succeeded ones keep their outputs) or from the start",
    tag,
    scope: "runs:write",
    params: byRun,
    body: retryRunBody,
    response: runSummary,
    status: 201,
    errors: [409],
  },
  (ctx) => runs.retryRun(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id, runId: ctx.params.runId }),
);

const SSE_HEARTBEAT_MS = 15_000;

/** Chunks as Server-Sent Events (`event: chunk`, `id` for Last-Event-ID), then `event: end`. */
function eventStream(chunks: AsyncGenerator<unknown[]>, abort: AbortController): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const heartbeat = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), SSE_HEARTBEAT_MS);
      try {
        for await (const page of chunks) {
          for (const chunk of page as { id: number }[]) controller.enqueue(encoder.encode(`event: chunk\nid: ${chunk.id}\ndata: ${JSON.stringify(chunk)}\n\n`));
        }
        controller.enqueue(encoder.encode("event: end\ndata: {}\n\n"));
      } catch (error) {
        controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`));
      } finally {
        clearInterval(heartbeat);
        controller.close();
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" } });
}

export const runLogs = endpoint(
  {
    method: "GET",
    path: "/workspaces/{id}/runs/{runId}/logs",
    summary: "A run's log: text (a file with `download=1`); `Accept: application/json` for chunks; `Accept: text/event-stream` to follow it live",
    tag,
    scope: "runs:read",
    params: byRun,
    query: logsQuery,
    response: logList,
    requestHeaders: ["Accept", "Last-Event-ID"],
  },
  async (ctx) => {
    const input = { ...ctx.query, workspaceId: ctx.params.id, runId: ctx.params.runId };
    const accept = ctx.request.headers.get("accept") ?? "";
    if (accept.includes("text/event-stream")) {
      const lastId = Number(ctx.request.headers.get("last-event-id"));
      const after = Number.isSafeInteger(lastId) && lastId > 0 ? lastId : input.after;
      await listLogs(ctx.principal, { ...input, after }); // access and the run are checked before the stream opens
      const abort = new AbortController();
      ctx.request.signal?.addEventListener("abort", () => abort.abort());
      return eventStream(followLogs(ctx.principal, { ...input, after }, abort.signal), abort);
    }
    if (accept.includes("application/json")) return listLogs(ctx.principal, input);
    const headers: Record<string, string> = input.download ? { "content-disposition": `attachment; filename="run-${ctx.params.runId}.log"` } : {};
    return new Reply(await logText(ctx.principal, input), { contentType: "text/plain; charset=utf-8", headers });
  },
);
