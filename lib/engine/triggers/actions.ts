"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import * as events from "./events";
import * as schedules from "./schedules";
import type { createEventTriggerBody, createScheduleBody, createWebhookBody, schedulePreviewInput, updateEventTriggerBody, updateScheduleBody } from "./schema";
import * as webhooks from "./webhooks";

/** The Triggers tab's server actions: the same service functions as the REST API. */
type WorkflowRef = { workspaceId: string; workflow: string };
type ScheduleRef = WorkflowRef & { scheduleId: string };
type WebhookRef = WorkflowRef & { webhookId: string };
type TriggerRef = WorkflowRef & { triggerId: string };

export const previewScheduleAction = serverAction(async (_principal, input: z.input<typeof schedulePreviewInput>) => schedules.previewSchedule(input));
export const createScheduleAction = serverAction((principal, input: WorkflowRef & z.input<typeof createScheduleBody>) => schedules.createSchedule(principal, input));
export const updateScheduleAction = serverAction((principal, input: ScheduleRef & z.input<typeof updateScheduleBody>) => schedules.updateSchedule(principal, input));
export const pauseScheduleAction = serverAction((principal, input: ScheduleRef) => schedules.pauseSchedule(principal, input));
export const resumeScheduleAction = serverAction((principal, input: ScheduleRef) => schedules.resumeSchedule(principal, input));
export const deleteScheduleAction = serverAction((principal, input: ScheduleRef) => schedules.deleteSchedule(principal, input));

export const createWebhookAction = serverAction((principal, input: WorkflowRef & z.input<typeof createWebhookBody>) => webhooks.createWebhook(principal, input));
export const rotateWebhookAction = serverAction((principal, input: WebhookRef) => webhooks.rotateWebhook(principal, input));
export const deleteWebhookAction = serverAction((principal, input: WebhookRef) => webhooks.deleteWebhook(principal, input));

export const createEventTriggerAction = serverAction((principal, input: WorkflowRef & z.input<typeof createEventTriggerBody>) => events.createEventTrigger(principal, input));
export const updateEventTriggerAction = serverAction((principal, input: TriggerRef & z.input<typeof updateEventTriggerBody>) => events.updateEventTrigger(principal, input));
export const deleteEventTriggerAction = serverAction((principal, input: TriggerRef) => events.deleteEventTrigger(principal, input));
