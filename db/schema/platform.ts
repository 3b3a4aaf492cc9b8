import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants, users, workspaces } from "./tenancy";

/** An OAuth2 provider an admin registered, for workspaces to connect to (the Build SPI's tokens). */
export const oauthProviders = pgTable(
  "oauth_providers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    authorizeUrl: text("authorize_url").notNull(),
    tokenUrl: text("token_url").notNull(),
    clientId: text("client_id").notNull(),
    /** the client secret, sealed with the master key (bound to this provider) */
    sealedClientSecret: text("sealed_client_secret").notNull(),
    scopes: text("scopes").notNull().default(""),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("oauth_providers_tenant_name").on(t.tenantId, t.name).where(sql`${t.deletedAt} is null`)],
);

export const CONNECTION_STATES = ["pending", "connected", "needs_reconnect"] as const;

/** A workspace's connection to an OAuth2 provider; its tokens are workspace secrets. */
export const connections = pgTable(
  "connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => oauthProviders.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    state: text("state").$type<(typeof CONNECTION_STATES)[number]>().notNull().default("pending"),
    /** the authorization request in flight: its `state` and the sealed PKCE verifier */
    authState: text("auth_state"),
    sealedVerifier: text("sealed_verifier"),
    accessSecretId: uuid("access_secret_id"),
    refreshSecretId: uuid("refresh_secret_id"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    connectedAt: timestamp("connected_at", { withTimezone: true }),
    refreshedAt: timestamp("refreshed_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("connections_workspace_name").on(t.workspaceId, t.name), uniqueIndex("connections_auth_state").on(t.authState)],
);

/** An app (the seed's Control Panel): a workspace's deployable with its own cloud identity. */
export const apps = pgTable(
  "apps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    repoUrl: text("repo_url").notNull().default(""),
    iamRoleName: text("iam_role_name").notNull(),
    iamRoleArn: text("iam_role_arn"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("apps_tenant_slug").on(t.tenantId, t.slug).where(sql`${t.deletedAt} is null`)],
);

export const appAdmins = pgTable(
  "app_admins",
  {
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.userId] })],
);

/** A user's own cloud identity (the seed's per-user IAM role). */
export const userCloudRoles = pgTable("user_cloud_roles", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
  iamRoleName: text("iam_role_name").notNull(),
  iamRoleArn: text("iam_role_arn"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "secret"] as const;

/** An S3 bucket registered with Sluice. */
export const buckets = pgTable(
  "buckets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    ownerWorkspaceId: uuid("owner_workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    classification: text("classification").$type<(typeof DATA_CLASSIFICATIONS)[number]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("buckets_name").on(t.name).where(sql`${t.deletedAt} is null`)],
);

export const GRANT_LEVELS = ["readonly", "readwrite", "admin"] as const;

/** Access of an app or a user to a bucket, optionally limited to path prefixes; an IAM policy writes it. */
export const bucketGrants = pgTable(
  "bucket_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    bucketId: uuid("bucket_id")
      .notNull()
      .references(() => buckets.id, { onDelete: "cascade" }),
    principalKind: text("principal_kind").$type<"app" | "user">().notNull(),
    principalId: uuid("principal_id").notNull(),
    level: text("level").$type<(typeof GRANT_LEVELS)[number]>().notNull(),
    prefixes: text("prefixes").array().notNull().default(sql`'{}'::text[]`),
    policyName: text("policy_name").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("bucket_grants_active").on(t.bucketId, t.principalKind, t.principalId).where(sql`${t.revokedAt} is null`)],
);

/** An app's parameters in AWS SSM Parameter Store: names here, values only there. */
export const appParameters = pgTable(
  "app_parameters",
  {
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    updatedBy: text("updated_by").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.name] })],
);

export const TASK_STATES = ["queued", "running", "succeeded", "failed"] as const;

/**
 * A background task (anything that talks to a cloud API): run from the job queue, retried with
 * backoff, tasks of one object in order (`seq`), its state and progress visible.
 */
export const tasks = pgTable(
  "tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    /** order among the tasks of one target */
    seq: integer("seq").notNull(),
    state: text("state").$type<(typeof TASK_STATES)[number]>().notNull().default("queued"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    progress: integer("progress").notNull().default(0),
    progressMessage: text("progress_message").notNull().default(""),
    error: text("error"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("tasks_target_seq").on(t.targetType, t.targetId, t.seq), index("tasks_tenant_created").on(t.tenantId, t.createdAt)],
);

export const CONFIDENTIALITIES = ["public", "internal", "private"] as const;

/** An Azure storage account (the seed's AccessManager organization); its key is sealed with the master key. */
export const storageOrganizations = pgTable(
  "storage_organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    confidentiality: text("confidentiality").$type<(typeof CONFIDENTIALITIES)[number]>().notNull(),
    accountName: text("account_name").notNull(),
    /** the blob service endpoint (Azure's by default; Azurite in tests) */
    blobEndpoint: text("blob_endpoint").notNull(),
    /** the account key, sealed with the master key (bound to this organization) */
    sealedAccountKey: text("sealed_account_key").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("storage_organizations_name").on(t.tenantId, t.name).where(sql`${t.deletedAt} is null`)],
);

/** A container of an organization (the seed's space); `loadingzone` is created with the organization. */
export const storageSpaces = pgTable(
  "storage_spaces",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => storageOrganizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    confidentiality: text("confidentiality").$type<(typeof CONFIDENTIALITIES)[number]>().notNull(),
    workspaceId: uuid("workspace_id").references(() => workspaces.id, { onDelete: "set null" }),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("storage_spaces_name").on(t.organizationId, t.name).where(sql`${t.deletedAt} is null`)],
);

/** A commit of files under a folder of a space; it emits `storage.commit`. */
export const storageCommits = pgTable(
  "storage_commits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    spaceId: uuid("space_id")
      .notNull()
      .references(() => storageSpaces.id, { onDelete: "cascade" }),
    rootDir: text("root_dir").notNull(),
    files: jsonb("files").$type<{ name: string; size: number }[]>().notNull(),
    eventDeliveryId: integer("event_delivery_id"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("storage_commits_space").on(t.spaceId, t.createdAt)],
);
