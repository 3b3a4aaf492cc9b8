import { z } from "zod";
import { endpoint } from "@/lib/http/endpoint";
import { clientAddress } from "@/lib/http/peer";
import * as events from "./events";
import * as schedules from "./schedules";
import {
  createEventTriggerBody,
  createScheduleBody,
  createWebhookBody,
  eventTrigger,
  eventTriggerList,
  hookAccepted,
  hookBody,
  issuedWebhook,
  schedule,
  scheduleList,
  updateEventTriggerBody,
  updateScheduleBody,
  webhook,
  webhookList,
} from "./schema";
import * as webhooks from "./webhooks";

const tag = "Triggers";
const base = "/workspaces/{id}/workflows/{name}";
const byWorkflow = z.object({ id: z.string(), name: z.string() });
const bySchedule = byWorkflow.extend({ scheduleId: z.string() });
const byWebhook = byWorkflow.extend({ webhookId: z.string() });
const byTrigger = byWorkflow.extend({ triggerId: z.string() });

const workflowRef = (params: z.output<typeof byWorkflow>) => ({ workspaceId: params.id, workflow: params.name });

export const listSchedules = endpoint(
  { method: "GET", path: `${base}/schedules`, summary: "The workflow's schedules, each with its next five fire times", tag, scope: "runs:read", params: byWorkflow, response: scheduleList },
  (ctx) => schedules.listSchedules(ctx.principal, workflowRef(ctx.params)),
);

export const createSchedule = endpoint(
  {
    method: "POST",
    path: `${base}/schedules`,
    summary:
      "Schedule runs of the workflow: cron in a time zone, inputs checked like a manual start. Each slot fires once; after downtime the most recent missed slot fires once and older ones are skipped",
    tag,
    scope: "runs:write",
    params: byWorkflow,
    body: createScheduleBody,
    response: schedule,
    status: 201,
    errors: [409],
  },
  (ctx) => schedules.createSchedule(ctx.principal, { ...ctx.body, ...workflowRef(ctx.params) }),
);

export const getSchedule = endpoint(
  { method: "GET", path: `${base}/schedules/{scheduleId}`, summary: "A schedule with its next five fire times", tag, scope: "runs:read", params: bySchedule, response: schedule },
  (ctx) => schedules.getSchedule(ctx.principal, { ...workflowRef(ctx.params), scheduleId: ctx.params.scheduleId }),
);

export const updateSchedule = endpoint(
  {
    method: "PATCH",
    path: `${base}/schedules/{scheduleId}`,
    summary: "Change a schedule (only the fields given); new timing moves its next slot to the first one after now",
    tag,
    scope: "runs:write",
    params: bySchedule,
    body: updateScheduleBody,
    response: schedule,
    errors: [409],
  },
  (ctx) => schedules.updateSchedule(ctx.principal, { ...ctx.body, ...workflowRef(ctx.params), scheduleId: ctx.params.scheduleId }),
);

export const pauseSchedule = endpoint(
  { method: "POST", path: `${base}/schedules/{scheduleId}/pause`, summary: "Pause a schedule: it fires nothing until resumed", tag, scope: "runs:write", params: bySchedule, response: schedule },
  (ctx) => schedules.pauseSchedule(ctx.principal, { ...workflowRef(ctx.params), scheduleId: ctx.params.scheduleId }),
);

export const resumeSchedule = endpoint(
  { method: "POST", path: `${base}/schedules/{scheduleId}/resume`, summary: "Resume a schedule from its next slot after now (slots passed while paused are skipped)", tag, scope: "runs:write", params: bySchedule, response: schedule },
  (ctx) => schedules.resumeSchedule(ctx.principal, { ...workflowRef(ctx.params), scheduleId: ctx.params.scheduleId }),
);

export const deleteSchedule = endpoint(
  { method: "DELETE", path: `${base}/schedules/{scheduleId}`, summary: "Delete a schedule (its runs stay)", tag, scope: "runs:write", params: bySchedule },
  (ctx) => schedules.deleteSchedule(ctx.principal, { ...workflowRef(ctx.params), scheduleId: ctx.params.scheduleId }),
);

export const listWebhooks = endpoint(
  { method: "GET", path: `${base}/webhooks`, summary: "The workflow's webhooks (their secrets are never shown again)", tag, scope: "runs:read", params: byWorkflow, response: webhookList },
  (ctx) => webhooks.listWebhooks(ctx.principal, workflowRef(ctx.params)),
);

export const createWebhook = endpoint(
  { method: "POST", path: `${base}/webhooks`, summary: "Create a webhook: its URL and secret (shown only in this answer)", tag, scope: "runs:write", params: byWorkflow, body: createWebhookBody, response: issuedWebhook, status: 201, errors: [409] },
  (ctx) => webhooks.createWebhook(ctx.principal, { ...ctx.body, ...workflowRef(ctx.params) }),
);

export const getWebhook = endpoint(
  { method: "GET", path: `${base}/webhooks/{webhookId}`, summary: "A webhook", tag, scope: "runs:read", params: byWebhook, response: webhook },
  (ctx) => webhooks.getWebhook(ctx.principal, { ...workflowRef(ctx.params), webhookId: ctx.params.webhookId }),
);

export const rotateWebhook = endpoint(
  { method: "POST", path: `${base}/webhooks/{webhookId}/rotate`, summary: "A new secret for the webhook (shown only in this answer); the old one stops working", tag, scope: "runs:write", params: byWebhook, response: issuedWebhook },
  (ctx) => webhooks.rotateWebhook(ctx.principal, { ...workflowRef(ctx.params), webhookId: ctx.params.webhookId }),
);

export const deleteWebhook = endpoint(
  { method: "DELETE", path: `${base}/webhooks/{webhookId}`, summary: "Delete a webhook: its URL answers 401 from now on", tag, scope: "runs:write", params: byWebhook },
  (ctx) => webhooks.deleteWebhook(ctx.principal, { ...workflowRef(ctx.params), webhookId: ctx.params.webhookId }),
);

export const callHook = endpoint(
  {
    method: "POST",
    path: "/hooks/{id}",
    summary: `Start a run through a webhook: the JSON body's fields are the inputs. Authenticated by the webhook's secret (Authorization: Bearer <secret>) or signature (X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>); 401 starts nothing; the same body again within ${webhooks.REPLAY_WINDOW_MINUTES} minutes is a 409; rate limited per webhook and per address`,
    tag,
    params: z.object({ id: z.string() }),
    body: hookBody,
    bodyFormat: "raw",
    response: hookAccepted,
    status: 202,
    errors: [401, 409, 413, 429],
    requestHeaders: ["Authorization", "X-Hub-Signature-256"],
  },
  (ctx) => webhooks.receiveHook({ id: ctx.params.id, headers: ctx.request.headers, body: ctx.rawBody ?? new Uint8Array(), address: clientAddress(ctx.request.headers) }),
);

export const listEventTriggers = endpoint(
  { method: "GET", path: `${base}/triggers`, summary: "The workflow's event triggers, each with its latest deliveries and the runs they started", tag, scope: "runs:read", params: byWorkflow, response: eventTriggerList },
  (ctx) => events.listEventTriggers(ctx.principal, workflowRef(ctx.params)),
);

export const createEventTrigger = endpoint(
  {
    method: "POST",
    path: `${base}/triggers`,
    summary: "Bind an event type to the workflow: events of that type whose payload matches the filter start a run, payload fields mapped to inputs",
    tag,
    scope: "runs:write",
    params: byWorkflow,
    body: createEventTriggerBody,
    response: eventTrigger,
    status: 201,
    errors: [409],
  },
  (ctx) => events.createEventTrigger(ctx.principal, { ...ctx.body, ...workflowRef(ctx.params) }),
);

export const getEventTrigger = endpoint(
  { method: "GET", path: `${base}/triggers/{triggerId}`, summary: "An event trigger with its latest deliveries", tag, scope: "runs:read", params: byTrigger, response: eventTrigger },
  (ctx) => events.getEventTrigger(ctx.principal, { ...workflowRef(ctx.params), triggerId: ctx.params.triggerId }),
);

export const updateEventTrigger = endpoint(
  { method: "PATCH", path: `${base}/triggers/{triggerId}`, summary: "Change an event trigger (only the fields given), e.g. disable it", tag, scope: "runs:write", params: byTrigger, body: updateEventTriggerBody, response: eventTrigger },
  (ctx) => events.updateEventTrigger(ctx.principal, { ...ctx.body, ...workflowRef(ctx.params), triggerId: ctx.params.triggerId }),
);

export const deleteEventTrigger = endpoint(
  { method: "DELETE", path: `${base}/triggers/{triggerId}`, summary: "Delete an event trigger", tag, scope: "runs:write", params: byTrigger },
  (ctx) => events.deleteEventTrigger(ctx.principal, { ...workflowRef(ctx.params), triggerId: ctx.params.triggerId }),
);
