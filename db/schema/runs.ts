import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants, workspaces } from "./tenancy";
import { workflows } from "./workflows";

export const RUN_STATES = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type RunState = (typeof RUN_STATES)[number];
/** `skipped`: its `when` was false; `omitted`: not run because an upstream step failed (Argo's Omitted). */
export const STEP_STATES = ["pending", "queued", "running", "succeeded", "failed", "skipped", "omitted", "cancelled", "timed_out"] as const;
export type StepState = (typeof STEP_STATES)[number];
export const RUN_TRIGGERS = ["manual", "api", "schedule", "webhook", "event"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** One execution of one workflow version. */
export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id").notNull().references(() => workflows.id, { onDelete: "cascade" }),
    workflowName: text("workflow_name").notNull(),
    workflowVersion: integer("workflow_version").notNull(),
    /** input values as given (secret inputs hold the secret's name, never its value) */
    inputs: jsonb("inputs").$type<Record<string, unknown>>().notNull().default({}),
    state: text("state").$type<RunState>().notNull().default("queued"),
    trigger: text("trigger").$type<RunTrigger>().notNull(),
    /** what triggered it: a schedule, webhook or event delivery id */
    triggerRef: text("trigger_ref"),
    startedByKind: text("started_by_kind").$type<"user" | "client" | "system">().notNull(),
    startedById: text("started_by_id").notNull(),
    startedByName: text("started_by_name").notNull(),
    parentRunId: uuid("parent_run_id"),
    parentStepId: bigint("parent_step_id", { mode: "number" }),
    rootRunId: uuid("root_run_id").notNull(),
    /** the run this one retries */
    retryOf: uuid("retry_of"),
    /** a retry from the failed steps: the run whose succeeded steps (and their outputs) this one keeps */
    reuseRunId: uuid("reuse_run_id"),
    engine: text("engine").notNull().default("local"),
    /** the engine's own name for the run (the Argo Workflow's name) and where its watch left off */
    engineRef: text("engine_ref"),
    engineCursor: text("engine_cursor"),
    /** top-level steps not yet finished; the run ends when it reaches 0 */
    remaining: integer("remaining").notNull().default(0),
    outputs: jsonb("outputs").$type<Record<string, unknown>>(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
  },
  (t) => [
    index("runs_workspace_created").on(t.workspaceId, t.createdAt),
    index("runs_tenant_created").on(t.tenantId, t.createdAt),
    index("runs_workspace_state").on(t.workspaceId, t.state),
    index("runs_parent").on(t.parentRunId).where(sql`${t.parentRunId} is not null`),
    index("runs_root").on(t.rootRunId),
    uniqueIndex("runs_engine_ref").on(t.engine, t.engineRef).where(sql`${t.engineRef} is not null`),
  ],
);

/**
 * A step of a run (a "stage"): one row per step of the graph, per group instance and per map item.
 * `key` is its path in the run, e.g. "prepare", "group/inner", "fan[3]".
 */
export const runSteps = pgTable(
  "run_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    /** the group instance or mapped step this row belongs to */
    parentId: bigint("parent_id", { mode: "number" }),
    key: text("key").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    mapIndex: integer("map_index"),
    item: jsonb("item"),
    state: text("state").$type<StepState>().notNull().default("pending"),
    /** upstream steps of its graph level not yet finished */
    waitingOn: integer("waiting_on").notNull().default(0),
    /** children (group steps, map items) not yet finished */
    remaining: integer("remaining").notNull().default(0),
    attempt: integer("attempt").notNull().default(0),
    inputs: jsonb("inputs").$type<Record<string, unknown>>(),
    outputs: jsonb("outputs").$type<Record<string, unknown>>(),
    exitCode: integer("exit_code"),
    error: text("error"),
    childRunId: uuid("child_run_id"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    attemptStartedAt: timestamp("attempt_started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("run_steps_run_key").on(t.runId, t.key), index("run_steps_parent").on(t.runId, t.parentId, t.name)],
);

/** Every attempt of a step: its times, exit code, outputs and how it ended. */
export const stepAttempts = pgTable(
  "step_attempts",
  {
    stepId: bigint("step_id", { mode: "number" })
      .notNull()
      .references(() => runSteps.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    runId: uuid("run_id").notNull(),
    state: text("state").$type<StepState>().notNull(),
    worker: text("worker"),
    exitCode: integer("exit_code"),
    error: text("error"),
    outputs: jsonb("outputs").$type<Record<string, unknown>>(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.stepId, t.attempt] }), index("step_attempts_run").on(t.runId)],
);

/** Logs, in chunks as they came (secrets already masked). */
export const runLogs = pgTable(
  "run_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    stepId: bigint("step_id", { mode: "number" }),
    attempt: integer("attempt"),
    stream: text("stream").$type<"stdout" | "stderr" | "system">().notNull(),
    text: text("text").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("run_logs_run").on(t.runId, t.id), index("run_logs_step").on(t.stepId, t.id)],
);

/**
 * The durable queue of everything workers do (steps, queued runs, retries, timers, schedules,
 * background tasks). A job is claimed with a lease that its worker renews; a job whose lease ran out
 * is claimed again. Finished jobs are deleted. A claim or a lease's renewal changes no indexed
 * column, so PostgreSQL updates the row in place (HOT) without touching an index: jobs are found by
 * id, by their due index, or by unique key, never by who holds them.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    /** whose work it is: workers take tenants in turn ("" for the installation's own work) */
    tenantKey: text("tenant_key").notNull().default(""),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text("locked_by"),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    /** at most one job per key (e.g. one firing per schedule slot) */
    uniqueKey: text("unique_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("jobs_due").on(t.tenantKey, t.runAt, t.id),
    uniqueIndex("jobs_unique_key").on(t.uniqueKey).where(sql`${t.uniqueKey} is not null`),
  ],
);
