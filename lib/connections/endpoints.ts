import { z } from "zod";
import { endpoint } from "@/lib/http/endpoint";
import * as connections from "./service";
import * as providers from "./providers";
import { authorization, connection, connectionList, createProviderInput, provider, providerList, startConnectionBody, updateProviderInput } from "./schema";

const tag = "Connections";
const byProvider = z.object({ providerId: z.string() });
const byWorkspace = z.object({ id: z.string() });
const byConnection = byWorkspace.extend({ connection: z.string() });

export const listProviders = endpoint(
  { method: "GET", path: "/oauth-providers", summary: "The tenant's OAuth2 providers (client secrets are never shown)", tag, scope: "secrets:read", response: providerList },
  (ctx) => providers.listProviders(ctx.principal),
);

export const createProvider = endpoint(
  { method: "POST", path: "/oauth-providers", summary: "Register an OAuth2 provider (platform admins); register its redirectUri with the provider", tag, scope: "secrets:write", body: createProviderInput, response: provider, status: 201, errors: [409] },
  (ctx) => providers.createProvider(ctx.principal, ctx.body),
);

export const getProvider = endpoint(
  { method: "GET", path: "/oauth-providers/{providerId}", summary: "An OAuth2 provider", tag, scope: "secrets:read", params: byProvider, response: provider },
  (ctx) => providers.getProvider(ctx.principal, { id: ctx.params.providerId }),
);

export const updateProvider = endpoint(
  { method: "PATCH", path: "/oauth-providers/{providerId}", summary: "Change an OAuth2 provider (platform admins); a client secret given replaces the old one", tag, scope: "secrets:write", params: byProvider, body: updateProviderInput, response: provider, errors: [409] },
  (ctx) => providers.updateProvider(ctx.principal, { ...ctx.body, id: ctx.params.providerId }),
);

export const deleteProvider = endpoint(
  { method: "DELETE", path: "/oauth-providers/{providerId}", summary: "Delete an OAuth2 provider and every connection to it, with their tokens (platform admins)", tag, scope: "secrets:write", params: byProvider },
  (ctx) => providers.deleteProvider(ctx.principal, { id: ctx.params.providerId }),
);

export const listConnections = endpoint(
  { method: "GET", path: "/workspaces/{id}/connections", summary: "The workspace's connections with their state (every member)", tag, scope: "secrets:read", params: byWorkspace, response: connectionList },
  (ctx) => connections.listConnections(ctx.principal, { workspaceId: ctx.params.id }),
);

export const startConnection = endpoint(
  {
    method: "POST",
    path: "/workspaces/{id}/connections",
    summary: "Connect (or reconnect) the workspace to a provider (workspace admins): send the person to authorizationUrl; the provider returns them to Sluice, which keeps the tokens as secrets",
    tag,
    scope: "secrets:write",
    params: byWorkspace,
    body: startConnectionBody,
    response: authorization,
    errors: [409],
  },
  (ctx) => connections.startConnection(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id }),
);

export const getConnection = endpoint(
  { method: "GET", path: "/workspaces/{id}/connections/{connection}", summary: "A connection with its state", tag, scope: "secrets:read", params: byConnection, response: connection },
  (ctx) => connections.getConnection(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.connection }),
);

export const deleteConnection = endpoint(
  { method: "DELETE", path: "/workspaces/{id}/connections/{connection}", summary: "Delete a connection and its token secrets (workspace admins)", tag, scope: "secrets:write", params: byConnection },
  (ctx) => connections.deleteConnection(ctx.principal, { workspaceId: ctx.params.id, name: ctx.params.connection }),
);
