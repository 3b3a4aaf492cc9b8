import { z } from "zod";
import { task } from "@/lib/tasks/schema";
import { appSlug, parameterKey } from "./cloud-names";

const appName = z.string().trim().min(1, "a name is required").max(100);
const description = z.string().max(2000);
const repoUrl = z
  .union([z.literal(""), z.url({ protocol: /^https$/, hostname: z.regexes.domain }).max(500)])
  .describe("the source repository (https), or empty");
/** A user of the tenant by id or e-mail. */
const userRef = z.string().trim().min(1).max(320);
const admins = z.array(userRef).max(50).describe("app admins: users by id or e-mail");

export const createAppInput = z.strictObject({
  name: appName,
  slug: appSlug.optional().describe("names its cloud resources; derived from the name when omitted; never changes"),
  description: description.default(""),
  repoUrl: repoUrl.default(""),
  workspaceId: z.string().max(100),
  admins: admins.default([]),
});

export const updateAppInput = z.strictObject({
  name: appName.optional(),
  description: description.optional(),
  repoUrl: repoUrl.optional(),
  admins: admins.optional().describe("replaces the app's admins"),
});

const workspaceRef = z.object({ id: z.uuid(), name: z.string() });
const person = z.object({ id: z.uuid(), email: z.string(), name: z.string() });

/** What every member of the tenant sees of an app. */
export const appSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  workspace: workspaceRef,
  canRead: z.boolean().describe("whether the caller may open the app (its admins and platform admins)"),
});
export type AppSummary = z.infer<typeof appSummary>;

/** An app in full: for its admins and platform admins. */
export const app = appSummary.omit({ canRead: true }).extend({
  repoUrl: z.string(),
  iamRole: z.object({ name: z.string(), arn: z.string().nullable().describe("null until the role is created") }),
  admins: z.array(person),
  canDelete: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type App = z.infer<typeof app>;

export const appList = z.object({ items: z.array(appSummary) });
export const appChange = z.object({ app, task: task.describe("creates the app's IAM role") });
export const appDeletion = z.object({ task: task.describe("removes the app's policies, parameters and IAM role") });

export const putParameterInput = z.strictObject({
  name: parameterKey,
  value: z
    .string()
    .min(1)
    .max(4096)
    .refine((value) => Buffer.byteLength(value) <= 4096, "at most 4 KB (SSM's standard parameters)")
    .describe("written to SSM Parameter Store as a SecureString; never returned"),
  description: z.string().max(1000).default(""),
});

export const parameter = z.object({
  name: z.string(),
  path: z.string().describe("its name in SSM Parameter Store"),
  description: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type Parameter = z.infer<typeof parameter>;

export const parameterList = z.object({ items: z.array(parameter) });
export const parameterChange = z.object({ parameter, task });
export const parameterDeletion = z.object({ task });
