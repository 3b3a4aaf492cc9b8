import { z } from "zod";
import { endpoint, Reply } from "@/lib/http/endpoint";
import {
  addMemberInput,
  changeMemberInput,
  createWorkspaceInput,
  listWorkspacesQuery,
  member,
  memberList,
  updateWorkspaceInput,
  workspace,
  workspacePage,
  type Workspace,
} from "./schema";
import * as workspaces from "./service";

const tag = "Workspaces";
const byId = z.object({ id: z.string() });
const memberPath = z.object({ id: z.string(), kind: z.enum(["user", "client"]), memberId: z.string() });

const withEtag = (ws: Workspace, status = 200) => new Reply(ws, { status, headers: ws.version ? { etag: `"${ws.version}"` } : {} });

export const listWorkspaces = endpoint(
  { method: "GET", path: "/workspaces", summary: "List workspaces (cursor pagination)", tag, scope: "workspaces:read", query: listWorkspacesQuery, response: workspacePage },
  (ctx) => workspaces.listWorkspaces(ctx.principal, ctx.query),
);

export const createWorkspace = endpoint(
  { method: "POST", path: "/workspaces", summary: "Create a workspace", tag, scope: "workspaces:write", body: createWorkspaceInput, response: workspace, status: 201, errors: [409] },
  async (ctx) => withEtag(await workspaces.createWorkspace(ctx.principal, ctx.body), 201),
);

export const getWorkspace = endpoint(
  { method: "GET", path: "/workspaces/{id}", summary: "Get a workspace; ETag carries its version", tag, scope: "workspaces:read", params: byId, response: workspace, responseHeaders: ["ETag"] },
  async (ctx) => withEtag(await workspaces.getWorkspace(ctx.principal, ctx.params)),
);

export const updateWorkspace = endpoint(
  {
    method: "PATCH",
    path: "/workspaces/{id}",
    summary: "Rename, describe, set access rules or hide a workspace; If-Match guards against stale writes",
    tag,
    scope: "workspaces:write",
    params: byId,
    body: updateWorkspaceInput,
    response: workspace,
    errors: [409, 412],
    requestHeaders: ["If-Match"],
    responseHeaders: ["ETag"],
  },
  async (ctx) => withEtag(await workspaces.updateWorkspace(ctx.principal, { ...ctx.body, id: ctx.params.id, expectedVersion: ctx.ifMatch })),
);

export const archiveWorkspace = endpoint(
  { method: "DELETE", path: "/workspaces/{id}", summary: "Archive a workspace", tag, scope: "workspaces:write", params: byId, response: workspace, errors: [412], requestHeaders: ["If-Match"] },
  async (ctx) => withEtag(await workspaces.archiveWorkspace(ctx.principal, { id: ctx.params.id, expectedVersion: ctx.ifMatch })),
);

export const listMembers = endpoint(
  { method: "GET", path: "/workspaces/{id}/members", summary: "List a workspace's members", tag, scope: "workspaces:read", params: byId, response: memberList },
  (ctx) => workspaces.listMembers(ctx.principal, { workspaceId: ctx.params.id }),
);

export const addMember = endpoint(
  { method: "POST", path: "/workspaces/{id}/members", summary: "Add a user (by e-mail) or a client (by client_id)", tag, scope: "workspaces:write", params: byId, body: addMemberInput, response: member, status: 201, errors: [409] },
  (ctx) => workspaces.addMember(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id }),
);

export const changeMember = endpoint(
  { method: "PATCH", path: "/workspaces/{id}/members/{kind}/{memberId}", summary: "Change a member's role", tag, scope: "workspaces:write", params: memberPath, body: changeMemberInput, response: member, errors: [409] },
  (ctx) => workspaces.changeMemberRole(ctx.principal, { workspaceId: ctx.params.id, kind: ctx.params.kind, memberId: ctx.params.memberId, role: ctx.body.role }),
);

export const removeMember = endpoint(
  { method: "DELETE", path: "/workspaces/{id}/members/{kind}/{memberId}", summary: "Remove a member", tag, scope: "workspaces:write", params: memberPath, errors: [409] },
  (ctx) => workspaces.removeMember(ctx.principal, { workspaceId: ctx.params.id, kind: ctx.params.kind, memberId: ctx.params.memberId }),
);
