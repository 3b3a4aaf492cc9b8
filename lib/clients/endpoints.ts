import { z } from "zod";
import { endpoint } from "@/lib/http/endpoint";
import { client, clientList, clientWithSecret, createClientInput } from "./schema";
import * as clients from "./service";

const tag = "Machine clients";
const byId = z.object({ id: z.string() });

export const listClients = endpoint(
  { method: "GET", path: "/clients", summary: "List machine clients", tag, scope: "clients:read", query: z.strictObject({ includeRevoked: z.enum(["true", "false"]).optional() }), response: clientList },
  (ctx) => clients.listClients(ctx.principal, { includeRevoked: ctx.query.includeRevoked === "true" }),
);

export const createClient = endpoint(
  { method: "POST", path: "/clients", summary: "Create a machine client; the secret is shown once", tag, scope: "clients:write", body: createClientInput, response: clientWithSecret, status: 201 },
  (ctx) => clients.createClient(ctx.principal, ctx.body),
);

export const getClient = endpoint(
  { method: "GET", path: "/clients/{id}", summary: "Get a machine client", tag, scope: "clients:read", params: byId, response: client },
  (ctx) => clients.getClient(ctx.principal, ctx.params),
);

export const revokeClient = endpoint(
  { method: "DELETE", path: "/clients/{id}", summary: "Revoke a machine client", tag, scope: "clients:write", params: byId, response: client },
  (ctx) => clients.revokeClient(ctx.principal, ctx.params),
);

export const rotateClientSecret = endpoint(
  { method: "POST", path: "/clients/{id}/secret", summary: "Rotate a client's secret; the new secret is shown once", tag, scope: "clients:write", params: byId, response: clientWithSecret },
  (ctx) => clients.rotateClientSecret(ctx.principal, ctx.params),
);
