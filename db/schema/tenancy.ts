import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    passwordHash: text("password_hash"),
    /** identity at an OpenID provider or external token issuer: `<issuer>|<sub>`, never an e-mail */
    externalId: text("external_id"),
    /** whether the provider marked `email` as verified (external identities only) */
    emailVerified: boolean("email_verified").notNull().default(false),
    roles: text("roles").array().notNull().default(sql`'{}'::text[]`),
    groups: text("groups").array().notNull().default(sql`'{}'::text[]`),
    failedSignIns: integer("failed_sign_ins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Local accounts (with a password) are unique by e-mail; external identities only by issuer and subject.
    uniqueIndex("users_tenant_email").on(t.tenantId, t.email).where(sql`${t.passwordHash} is not null`),
    index("users_tenant_email_any").on(t.tenantId, t.email),
    uniqueIndex("users_tenant_external_id").on(t.tenantId, t.externalId),
  ],
);

export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Flowify-style rules: a list of role lists; entry needs ALL roles of ANY list */
    accessRules: jsonb("access_rules").$type<string[][]>().notNull().default([]),
    hidden: boolean("hidden").notNull().default(false),
    /** runs of this workspace that may run at once (null: no limit); more wait as `queued` */
    maxConcurrentRuns: integer("max_concurrent_runs"),
    /** Frinx's rule: `all` members see every run, `own`: viewers see only the runs they started */
    runVisibility: text("run_visibility").$type<"all" | "own">().notNull().default("all"),
    /** step kinds its workflows may use (null: all); chosen by tenant admins */
    allowedStepKinds: text("allowed_step_kinds").array(),
    /** the engine its runs use, overriding the installation's (null: the installation's) */
    engine: text("engine").$type<"local" | "argo">(),
    /** its Kubernetes namespace on the `argo` engine (Flowify: the workspace is a namespace) */
    namespace: text("namespace"),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspaces_tenant_name").on(t.tenantId, t.name), index("workspaces_tenant_created").on(t.tenantId, t.createdAt, t.id)],
);

export const WORKSPACE_ROLES = ["viewer", "editor", "admin"] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    workspaceId: uuid("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    principalKind: text("principal_kind").$type<"user" | "client" | "system">().notNull(),
    principalId: uuid("principal_id").notNull(),
    role: text("role").$type<WorkspaceRole>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspace_members_pk").on(t.workspaceId, t.principalKind, t.principalId), index("workspace_members_principal").on(t.principalId)],
);

export const clients = pgTable(
  "clients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull().unique(),
    name: text("name").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").array().notNull(),
    roles: text("roles").array().notNull().default(sql`'{}'::text[]`),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    secretRotatedAt: timestamp("secret_rotated_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("clients_tenant").on(t.tenantId, t.createdAt)],
);

export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  publicJwk: jsonb("public_jwk").$type<Record<string, unknown>>().notNull(),
  /** only in rows written before keys were wrapped; moved into `wrappedPrivateKey` at first use */
  privateJwk: jsonb("private_jwk").$type<Record<string, unknown>>(),
  /** the private JWK sealed with the master key (lib/crypto) */
  wrappedPrivateKey: text("wrapped_private_key"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Instance-wide generated material (e.g. the session encryption secret, wrapped), created at first start. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
});

/** Fixed-window rate limit counters, shared by every worker and machine on this database. */
export const rateLimitWindows = pgTable("rate_limit_windows", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  resetAt: timestamp("reset_at", { withTimezone: true }).notNull(),
});
