import { z } from "zod";
import { AppError } from "@/lib/errors";
import { endpoint, Reply } from "@/lib/http/endpoint";
import { createSecretBody, describeSecretBody, putSecretBody, revealedSecret, revealSecretBody, secretDetail, secretList, secretMeta } from "./schema";
import * as secrets from "./service";

const tag = "Secrets";
const base = "/workspaces/{id}/secrets";
const byWorkspace = z.object({ id: z.string() });
const bySecret = byWorkspace.extend({ name: z.string() });
type SecretPath = z.output<typeof bySecret>;

/** Flowify's rule: a name in the body must be the one in the URL. */
function secretRef(params: SecretPath, body?: { name?: string }) {
  if (body?.name !== undefined && body.name !== params.name) {
    throw new AppError(400, "name_mismatch", `The body names the secret ${body.name}, the URL ${params.name}.`, { errors: [{ path: "name", message: "must be the name in the URL" }] });
  }
  return { workspaceId: params.id, name: params.name };
}

export const listSecrets = endpoint(
  { method: "GET", path: base, summary: "The workspace's secrets: names, descriptions and versions, never values (every member)", tag, scope: "secrets:read", params: byWorkspace, response: secretList },
  (ctx) => secrets.listSecrets(ctx.principal, { workspaceId: ctx.params.id }),
);

export const createSecret = endpoint(
  { method: "POST", path: base, summary: "Create a secret (workspace admins); its value is never returned", tag, scope: "secrets:write", params: byWorkspace, body: createSecretBody, response: secretMeta, status: 201, errors: [409] },
  (ctx) => secrets.createSecret(ctx.principal, { ...ctx.body, workspaceId: ctx.params.id }),
);

export const getSecret = endpoint(
  { method: "GET", path: `${base}/{name}`, summary: "A secret's description and history of versions (who wrote each, when), never its value", tag, scope: "secrets:read", params: bySecret, response: secretDetail },
  (ctx) => secrets.getSecret(ctx.principal, secretRef(ctx.params)),
);

export const putSecret = endpoint(
  {
    method: "PUT",
    path: `${base}/{name}`,
    summary: "Write a new version of the value (workspace admins): 200, or 201 when this created the secret",
    tag,
    scope: "secrets:write",
    params: bySecret,
    body: putSecretBody,
    response: secretMeta,
    errors: [409],
  },
  async (ctx) => {
    const { secret, created } = await secrets.putSecret(ctx.principal, { ...ctx.body, ...secretRef(ctx.params, ctx.body) });
    return new Reply(secret, { status: created ? 201 : 200 });
  },
);

export const describeSecret = endpoint(
  { method: "PATCH", path: `${base}/{name}`, summary: "Change a secret's description (workspace admins); the value stays", tag, scope: "secrets:write", params: bySecret, body: describeSecretBody, response: secretMeta },
  (ctx) => secrets.describeSecret(ctx.principal, { ...secretRef(ctx.params, ctx.body), description: ctx.body.description }),
);

export const deleteSecret = endpoint(
  { method: "DELETE", path: `${base}/{name}`, summary: "Delete a secret's values (AWS Secrets Manager: a task schedules the deletion after its recovery window); the name is free again", tag, scope: "secrets:write", params: bySecret, errors: [409] },
  (ctx) => secrets.deleteSecret(ctx.principal, secretRef(ctx.params)),
);

export const revealSecret = endpoint(
  {
    method: "POST",
    path: `${base}/{name}/reveal`,
    summary: "Read a secret's value: machine clients with the secrets:reveal scope that are workspace admins; every read is audited (who, which secret, which version)",
    tag,
    scope: "secrets:reveal",
    params: bySecret,
    body: revealSecretBody,
    response: revealedSecret,
    errors: [409, 502],
  },
  (ctx) => secrets.revealSecret(ctx.principal, { ...secretRef(ctx.params, ctx.body), version: ctx.body.version }),
);
