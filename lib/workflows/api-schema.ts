import { z } from "zod";
import { VERSION_MESSAGE_MAX } from "./limits";
import { dnsName, workflowSpec } from "./model";

/** REST and server-action shapes of workflows (the workflow body itself is `workflowSpec` in model.ts). */
export const author = z.object({ id: z.string(), name: z.string() });

export const workflowSummary = z.object({
  name: z.string(),
  description: z.string(),
  labels: z.record(z.string(), z.string()),
  latestVersion: z.number().int(),
  stepCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type WorkflowSummary = z.infer<typeof workflowSummary>;

export const workflowVersionInfo = z.object({ version: z.number().int(), message: z.string(), author, createdAt: z.string() });
export type WorkflowVersionInfo = z.infer<typeof workflowVersionInfo>;

export const workflowVersion = workflowVersionInfo.extend({ name: z.string(), spec: workflowSpec });
export type WorkflowVersion = z.infer<typeof workflowVersion>;

export const workflowDetail = workflowSummary.extend({ version: workflowVersion });

export const workflowList = z.object({ items: z.array(workflowSummary), nextCursor: z.string().nullable() });
export const versionList = z.object({ items: z.array(workflowVersionInfo) });

export const listWorkflowsQuery = z.strictObject({
  q: z.string().max(100).optional().describe("part of the name or description"),
  label: z.string().max(200).optional().describe("key=value, or a key alone"),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const versionMessage = z.string().max(VERSION_MESSAGE_MAX).default("").describe("what changed, for the version history");

export const createWorkflowBody = z.strictObject({ name: dnsName, spec: workflowSpec, message: versionMessage });
export const saveWorkflowBody = z.strictObject({
  baseVersion: z.number().int().min(1).describe("the version this change was based on; a newer latest answers 409"),
  spec: workflowSpec,
  message: versionMessage,
});
export const validateBody = z.strictObject({ spec: workflowSpec });

export const problem = z.object({
  code: z.string(),
  message: z.string(),
  step: z.array(z.string()).optional(),
  edge: z.object({ from: z.string(), to: z.string(), scope: z.array(z.string()).optional() }).optional(),
  field: z.array(z.union([z.string(), z.number()])).optional(),
});
export const validationResult = z.object({ valid: z.boolean(), problems: z.array(problem) });

/** A version number in a path or query: versions are PostgreSQL integers. */
export const versionNumber = z.coerce.number().int().min(1).max(2_147_483_647);

export const exportQuery = z.strictObject({
  format: z.enum(["argo", "argo-template", "sluice"]).default("sluice"),
  version: versionNumber.optional(),
});
export const diffQuery = z.strictObject({ to: versionNumber.optional().describe("defaults to the latest version") });
export const importQuery = z.strictObject({ name: dnsName.optional().describe("name for the new workflow; defaults to the document's") });
export const importWarning = z.object({ code: z.string(), message: z.string(), path: z.string().optional() });
export const importResult = z.object({ name: z.string(), workflow: workflowDetail, warnings: z.array(importWarning), problems: z.array(problem).describe("what to fix before the next save") });
