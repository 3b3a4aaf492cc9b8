import { z } from "zod";
import { OVERLAP_POLICIES } from "@/db/schema/triggers";
import { dnsName } from "@/lib/workflows/model";
import { runInputs } from "../runs/schema";

/** REST and UI shapes of triggers (schedules, webhooks, event bindings): one source for validation, types and the OpenAPI document. */

const INT32_MAX = 2_147_483_647;
const instant = z.iso.datetime({ offset: true });
/** At most this many schedules, webhooks and event bindings each per workflow. */
export const MAX_TRIGGERS_PER_WORKFLOW = 50;
export const NEXT_FIRE_TIMES = 5;

export const overlapPolicy = z.enum(OVERLAP_POLICIES);

/**
 * A schedule's settings. The defaults (timezone UTC, the latest version, overlap `allow`, not paused,
 * no start or end) are applied when a schedule is created; a PATCH changes only what it names.
 */
const scheduleFields = {
  name: dnsName.describe("unique among the workflow's schedules (a DNS label)"),
  cron: z.string().min(1).max(120).describe("five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly"),
  timezone: z.string().min(1).max(64).describe('an IANA time zone, e.g. "Europe/Berlin" (default UTC)'),
  inputs: runInputs,
  version: z.number().int().min(1).max(INT32_MAX).nullable().describe("a pinned workflow version; null or absent: the latest at each firing"),
  overlapPolicy: overlapPolicy.describe("when the previous run of this schedule still runs: allow (start another), forbid (skip this slot), replace (cancel it, then start) — Argo's concurrencyPolicy"),
  paused: z.boolean().describe("a paused schedule fires nothing; slots passed while paused are skipped"),
  startAt: instant.nullable().describe("no slot before this instant"),
  endAt: instant.nullable().describe("no slot after this instant"),
};

export const createScheduleBody = z.strictObject(scheduleFields).partial().required({ name: true, cron: true });
export const updateScheduleBody = z.strictObject(scheduleFields).partial();

/** The slots a schedule would have, before it is saved (the form shows them). */
export const schedulePreviewInput = z.strictObject({
  cron: scheduleFields.cron,
  timezone: scheduleFields.timezone.optional(),
  startAt: instant.optional(),
  endAt: instant.optional(),
});

export const schedule = z.object({
  id: z.uuid(),
  workflow: z.string(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  version: z.number().int().nullable(),
  overlapPolicy,
  paused: z.boolean(),
  startAt: z.string().nullable(),
  endAt: z.string().nullable(),
  lastSlotAt: z.string().nullable().describe("the slot fired last"),
  lastRunId: z.uuid().nullable().describe("the run the last firing started"),
  lastError: z.string().nullable().describe("why the last slot started nothing (e.g. skipped under the forbid policy)"),
  nextFireTimes: z.array(z.string()).describe(`the next ${NEXT_FIRE_TIMES} slots (none while paused or after the end)`),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof schedule>;
export const scheduleList = z.object({ items: z.array(schedule) });
export const firePreview = z.object({ nextFireTimes: z.array(z.string()) });

export const WEBHOOK_AUTHS = ["bearer", "hmac"] as const;
export const webhookAuth = z.enum(WEBHOOK_AUTHS);

export const createWebhookBody = z.strictObject({
  name: dnsName.describe("unique among the workflow's webhooks (a DNS label)"),
  auth: webhookAuth.default("hmac").describe("hmac: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body> (as GitHub signs); bearer: Authorization: Bearer <secret>"),
});

export const webhook = z.object({
  id: z.uuid(),
  workflow: z.string(),
  name: z.string(),
  auth: webhookAuth,
  url: z.string().describe("where to POST: /api/v1/hooks/{id} on Sluice's public URL"),
  secretVersion: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  lastCalledAt: z.string().nullable(),
});
export type Webhook = z.infer<typeof webhook>;
export const webhookList = z.object({ items: z.array(webhook) });
export const issuedWebhook = webhook.extend({ secret: z.string().describe("shown only in this answer: Sluice keeps it sealed and never shows it again") });
export type IssuedWebhook = z.infer<typeof issuedWebhook>;

export const hookBody = runInputs.describe("the run's inputs by name, validated like a manual start");
export const hookAccepted = z.object({ runId: z.uuid() });

export const eventType = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, 'lower-case words joined by dots, e.g. "storage.commit"');
/** A field of an event's payload: names joined by dots ("commit.branch"). */
export const payloadPath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'field names joined by dots, e.g. "commit.branch"');
const MAX_FILTER_BYTES = 8 * 1024;
export const MAX_EVENT_PAYLOAD_BYTES = 64 * 1024;

const eventTriggerFields = {
  eventType: eventType.describe("the event type it listens for"),
  filter: z
    .record(payloadPath, z.unknown())
    .refine((filter) => Object.keys(filter).length <= 20, "at most 20 fields")
    .refine((filter) => JSON.stringify(filter).length <= MAX_FILTER_BYTES, `at most ${MAX_FILTER_BYTES / 1024} KiB`)
    .describe("payload fields that must equal these values (all of them) for a run to start"),
  inputs: z
    .record(z.string().max(128), payloadPath)
    .refine((inputs) => Object.keys(inputs).length <= 100, "at most 100 inputs")
    .describe("input name → the payload field whose value it takes"),
  enabled: z.boolean(),
};

export const createEventTriggerBody = z.strictObject(eventTriggerFields).partial().required({ eventType: true });
export const updateEventTriggerBody = z.strictObject(eventTriggerFields).partial();

export const eventDeliveryOutcome = z.object({
  deliveryId: z.number().int(),
  at: z.string(),
  runId: z.uuid().nullable(),
  error: z.string().nullable().describe("why no run started"),
});

export const eventTrigger = z.object({
  id: z.uuid(),
  workflow: z.string(),
  eventType: z.string(),
  filter: z.record(z.string(), z.unknown()),
  inputs: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  recentDeliveries: z.array(eventDeliveryOutcome).describe("the latest events it received, with the run each started"),
});
export type EventTrigger = z.infer<typeof eventTrigger>;
export const eventTriggerList = z.object({ items: z.array(eventTrigger) });

export const emittedEvent = z.strictObject({
  tenantId: z.uuid(),
  type: eventType,
  payload: z.record(z.string(), z.unknown()).refine((payload) => JSON.stringify(payload).length <= MAX_EVENT_PAYLOAD_BYTES, `at most ${MAX_EVENT_PAYLOAD_BYTES / 1024} KiB`),
  source: z.string().min(1).max(200),
});
