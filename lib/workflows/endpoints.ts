import { z } from "zod";
import { endpoint, Reply } from "@/lib/http/endpoint";
import { diffSpecResponse } from "./diff-schema";
import {
  createWorkflowBody,
  diffQuery,
  exportQuery,
  importQuery,
  importResult,
  listWorkflowsQuery,
  saveWorkflowBody,
  validateBody,
  validationResult,
  versionList,
  versionNumber,
  workflowDetail,
  workflowList,
  workflowVersion,
} from "./api-schema";
import * as workflows from "./service";

const tag = "Workflows";
const inWorkspace = z.object({ id: z.string() });
const byName = z.object({ id: z.string(), name: z.string() });
const byVersion = byName.extend({ version: versionNumber });

export const listWorkflows = endpoint(
  { method: "GET", path: "/workspaces/{id}/workflows", summary: "List a workspace's workflows (search, label filter)", tag, scope: "workflows:read", params: inWorkspace, query: listWorkflowsQuery, response: workflowList },
  (ctx) => workflows.listWorkflows(ctx.principal, { ...ctx.query, workspaceId: ctx.params.id }),
);

export const createWorkflow = endpoint(
  { method: "POST", path: "/workspaces/{id}/workflows", summary: "Create a workflow (its version 1); invalid graphs answer 400 with per-step problems", tag, scope: "workflows:write", params: inWorkspace, body: createWorkflowBody, response: workflowDetail, status: 201, errors: [409] },
  (ctx) => workflows.createWorkflow(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id }),
);

export const importWorkflow = endpoint(
  {
    method: "POST",
    path: "/workspaces/{id}/workflows:import",
    summary: "Import Argo YAML/JSON (Workflow, WorkflowTemplate, CronWorkflow) or Sluice JSON as a new workflow; answers with import warnings",
    tag,
    scope: "workflows:write",
    params: inWorkspace,
    query: importQuery,
    body: z.union([z.string(), z.record(z.string(), z.unknown())]),
    bodyFormat: "json-or-yaml",
    response: importResult,
    status: 201,
    errors: [409],
  },
  (ctx) => workflows.importWorkflow(ctx.principal, { workspaceId: ctx.params.id, document: ctx.body, name: ctx.query.name }),
);

export const getWorkflow = endpoint(
  { method: "GET", path: "/workspaces/{id}/workflows/{name}", summary: "The workflow with its latest version", tag, scope: "workflows:read", params: byName, response: workflowDetail },
  (ctx) => workflows.getWorkflow(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.name }),
);

export const saveWorkflow = endpoint(
  { method: "PUT", path: "/workspaces/{id}/workflows/{name}", summary: "Save a new version based on `baseVersion` (409 when a newer version exists)", tag, scope: "workflows:write", params: byName, body: saveWorkflowBody, response: workflowDetail, errors: [409] },
  (ctx) => workflows.saveWorkflow(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id, name: ctx.params.name }),
);

export const deleteWorkflow = endpoint(
  { method: "DELETE", path: "/workspaces/{id}/workflows/{name}", summary: "Delete a workflow (its versions stay in the audit trail)", tag, scope: "workflows:write", params: byName },
  (ctx) => workflows.deleteWorkflow(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.name }),
);

export const listVersions = endpoint(
  { method: "GET", path: "/workspaces/{id}/workflows/{name}/versions", summary: "Versions, newest first", tag, scope: "workflows:read", params: byName, response: versionList },
  (ctx) => workflows.listVersions(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.name }),
);

export const getVersion = endpoint(
  { method: "GET", path: "/workspaces/{id}/workflows/{name}/versions/{version}", summary: "One immutable version", tag, scope: "workflows:read", params: byVersion, response: workflowVersion },
  (ctx) => workflows.getVersion(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.name, version: ctx.params.version }),
);

export const diffVersions = endpoint(
  { method: "GET", path: "/workspaces/{id}/workflows/{name}/versions/{version}/diff", summary: "What changed from this version to `to` (default latest): steps, edges, fields", tag, scope: "workflows:read", params: byVersion, query: diffQuery, response: diffSpecResponse },
  (ctx) => workflows.diffVersions(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.name, version: ctx.params.version, to: ctx.query.to }),
);

export const validateWorkflow = endpoint(
  { method: "POST", path: "/workspaces/{id}/workflows/{name}/validate", summary: "Validate a spec without saving: every problem at once", tag, scope: "workflows:read", params: byName, body: validateBody, response: validationResult },
  (ctx) => workflows.validateSpec(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.name, spec: ctx.body.spec }),
);

export const exportWorkflow = endpoint(
  { method: "GET", path: "/workspaces/{id}/workflows/{name}/export", summary: "Download a version as Sluice JSON or an Argo Workflow / WorkflowTemplate manifest", tag, scope: "workflows:read", params: byName, query: exportQuery },
  async (ctx) => {
    const file = await workflows.exportWorkflow(ctx.principal, { ...ctx.query, workspaceId: ctx.params.id, name: ctx.params.name });
    const headers: Record<string, string> = { "content-disposition": `attachment; filename="${file.filename}"` };
    if (file.warnings.length > 0) headers["x-sluice-export-warnings"] = String(file.warnings.length);
    return new Reply(file.body, { contentType: file.contentType, headers });
  },
);
