import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { WorkflowSpec } from "../../lib/workflows/model";
import { tenants, workspaces } from "./tenancy";

export const workflows = pgTable(
  "workflows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
    latestVersion: integer("latest_version").notNull(),
    stepCount: integer("step_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text("updated_by").notNull(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("workflows_workspace_name").on(t.workspaceId, t.name).where(sql`${t.deletedAt} is null`),
    index("workflows_workspace_updated").on(t.workspaceId, t.updatedAt),
  ],
);

export const workflowVersions = pgTable(
  "workflow_versions",
  {
    workflowId: uuid("workflow_id").notNull().references(() => workflows.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    spec: jsonb("spec").$type<WorkflowSpec>().notNull(),
    /** the workflows this version calls, so callers can be checked without reading every spec */
    calls: jsonb("calls").$type<{ workflow: string; version: number }[]>().notNull().default([]),
    message: text("message").notNull().default(""),
    authorId: text("author_id").notNull(),
    authorName: text("author_name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.version] })],
);

/**
 * Workspace secrets, and app secrets (`appId` set). The value of the current version is `ciphertext`
 * (embedded store: AES-256-GCM bound to owner, name and version; `aws`: empty, the value lives in
 * AWS Secrets Manager under `externalRef`, set by the task that first writes it); every version,
 * current included, is in secret_versions.
 */
export const secrets = pgTable(
  "secrets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    appId: uuid("app_id"),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    store: text("store").$type<"embedded" | "aws">().notNull().default("embedded"),
    externalRef: text("external_ref"),
    ciphertext: text("ciphertext").notNull(),
    version: integer("version").notNull().default(1),
    createdBy: text("created_by").notNull().default(""),
    updatedBy: text("updated_by").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("secrets_owner_name").on(t.workspaceId, sql`coalesce(${t.appId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.name).where(sql`${t.deletedAt} is null`)],
);

/**
 * Every version of a secret: who wrote it and when, and its value sealed with the workspace's data key
 * (embedded) or its AWS version id. An `aws` version waiting for its task to write it to Secrets
 * Manager is `sealedPendingValue`, sealed with the master key; the task clears it.
 */
export const secretVersions = pgTable(
  "secret_versions",
  {
    secretId: uuid("secret_id")
      .notNull()
      .references(() => secrets.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    ciphertext: text("ciphertext"),
    externalVersionId: text("external_version_id"),
    sealedPendingValue: text("sealed_pending_value"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.secretId, t.version] })],
);

/** The embedded secret store's data key per workspace, stored only wrapped by the master key. */
export const secretDataKeys = pgTable("secret_data_keys", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  wrappedKey: text("wrapped_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
