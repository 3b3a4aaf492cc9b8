import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { runs } from "./runs";
import { tenants, workspaces } from "./tenancy";
import { workflows } from "./workflows";

export const OVERLAP_POLICIES = ["allow", "forbid", "replace"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** A cron schedule of a workflow (on the `argo` engine, also a CronWorkflow). */
export const schedules = pgTable(
  "schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id").notNull().references(() => workflows.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    cron: text("cron").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    inputs: jsonb("inputs").$type<Record<string, unknown>>().notNull().default({}),
    /** a pinned version, or null for the latest at each firing */
    version: integer("version"),
    overlapPolicy: text("overlap_policy").$type<OverlapPolicy>().notNull().default("allow"),
    paused: boolean("paused").notNull().default(false),
    startAt: timestamp("start_at", { withTimezone: true }),
    endAt: timestamp("end_at", { withTimezone: true }),
    /** the slot fired last (each slot fires once) */
    lastSlotAt: timestamp("last_slot_at", { withTimezone: true }),
    nextSlotAt: timestamp("next_slot_at", { withTimezone: true }),
    /** the run the last firing started (for the overlap policy) */
    lastRunId: uuid("last_run_id"),
    /** why the last slot started nothing (skipped under `forbid`, or the run could not start) */
    lastError: text("last_error"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("schedules_workflow_name").on(t.workflowId, t.name), index("schedules_due").on(t.nextSlotAt)],
);

/** A webhook that starts runs of a workflow: its URL is /api/v1/hooks/{id}. */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id").notNull().references(() => workflows.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** `bearer`: Authorization: Bearer <secret>; `hmac`: X-Hub-Signature-256 of the body, as GitHub signs */
    auth: text("auth").$type<"bearer" | "hmac">().notNull(),
    /** the secret, sealed with the master key (bound to this webhook) */
    sealedSecret: text("sealed_secret").notNull(),
    secretVersion: integer("secret_version").notNull().default(1),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    lastCalledAt: timestamp("last_called_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("webhooks_workflow_name").on(t.workflowId, t.name)],
);

/** Bodies a webhook accepted recently, to refuse replays within the window. */
export const webhookReceipts = pgTable(
  "webhook_receipts",
  {
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    digest: text("digest").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    runId: uuid("run_id"),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.digest] }), index("webhook_receipts_received").on(t.receivedAt)],
);

/** A binding of an event type (with a filter) to a workflow: emitted events of that type start runs. */
export const eventTriggers = pgTable(
  "event_triggers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id").notNull().references(() => workflows.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    /** payload fields that must equal these values */
    filter: jsonb("filter").$type<Record<string, unknown>>().notNull().default({}),
    /** input name → payload field (a dotted path) whose value it takes */
    inputs: jsonb("inputs").$type<Record<string, string>>().notNull().default({}),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("event_triggers_type").on(t.tenantId, t.eventType)],
);

/** Every event emitted, with what it started. */
export const eventDeliveries = pgTable(
  "event_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    source: text("source").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [index("event_deliveries_tenant").on(t.tenantId, t.id)],
);

export const eventDeliveryRuns = pgTable(
  "event_delivery_runs",
  {
    deliveryId: bigint("delivery_id", { mode: "number" })
      .notNull()
      .references(() => eventDeliveries.id, { onDelete: "cascade" }),
    triggerId: uuid("trigger_id").notNull(),
    runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.triggerId] }), index("event_delivery_runs_trigger").on(t.triggerId, t.deliveryId)],
);
