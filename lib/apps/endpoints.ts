import { z } from "zod";
import { appGrantInput, grantChange, grantList } from "@/lib/buckets/schema";
import * as grants from "@/lib/buckets/grants";
import { endpoint } from "@/lib/http/endpoint";
import * as parameters from "./parameters";
import { app, appChange, appDeletion, appList, createAppInput, parameterChange, parameterDeletion, parameterList, putParameterInput, updateAppInput } from "./schema";
import * as apps from "./service";

const tag = "Apps";
const byId = z.object({ id: z.string() });
const byParameter = z.object({ id: z.string(), name: z.string() });

export const listApps = endpoint(
  { method: "GET", path: "/apps", summary: "List the tenant's apps (every member sees names; `canRead` says who may open one)", tag, scope: "apps:read", response: appList },
  (ctx) => apps.listApps(ctx.principal),
);

export const createApp = endpoint(
  { method: "POST", path: "/apps", summary: "Create an app; its IAM role is created by the task returned (platform admins)", tag, scope: "apps:write", body: createAppInput, response: appChange, status: 201, errors: [409] },
  (ctx) => apps.createApp(ctx.principal, ctx.body),
);

export const getApp = endpoint(
  { method: "GET", path: "/apps/{id}", summary: "An app with its IAM role and admins (its admins and platform admins)", tag, scope: "apps:read", params: byId, response: app },
  (ctx) => apps.getApp(ctx.principal, ctx.params),
);

export const updateApp = endpoint(
  { method: "PATCH", path: "/apps/{id}", summary: "Change an app's name, description, repository or admins (its admins and platform admins)", tag, scope: "apps:write", params: byId, body: updateAppInput, response: app },
  (ctx) => apps.updateApp(ctx.principal, { ...ctx.body, id: ctx.params.id }),
);

export const deleteApp = endpoint(
  { method: "DELETE", path: "/apps/{id}", summary: "Delete an app: its grants end; the task returned removes its policies, parameters and IAM role (platform admins)", tag, scope: "apps:write", params: byId, response: appDeletion, status: 202 },
  (ctx) => apps.deleteApp(ctx.principal, ctx.params),
);

export const listAppGrants = endpoint(
  { method: "GET", path: "/apps/{id}/grants", summary: "The app's bucket grants", tag, scope: "apps:read", params: byId, response: grantList },
  (ctx) => grants.listAppGrants(ctx.principal, { appId: ctx.params.id }),
);

export const grantToApp = endpoint(
  { method: "POST", path: "/apps/{id}/grants", summary: "Grant the app access to a bucket (or change it); the task returned writes the IAM policy (the bucket's admins)", tag, scope: "apps:write", params: byId, body: appGrantInput, response: grantChange, status: 201 },
  (ctx) => grants.grantToApp(ctx.principal, { ...ctx.body, appId: ctx.params.id }),
);

export const listParameters = endpoint(
  { method: "GET", path: "/apps/{id}/parameters", summary: "The app's parameters in SSM Parameter Store, without values", tag, scope: "apps:read", params: byId, response: parameterList },
  (ctx) => parameters.listParameters(ctx.principal, { appId: ctx.params.id }),
);

export const putParameter = endpoint(
  { method: "POST", path: "/apps/{id}/parameters", summary: "Set a parameter; the task returned writes it to SSM Parameter Store as a SecureString", tag, scope: "apps:write", params: byId, body: putParameterInput, response: parameterChange, status: 202 },
  (ctx) => parameters.putParameter(ctx.principal, { ...ctx.body, appId: ctx.params.id }),
);

export const deleteParameter = endpoint(
  { method: "DELETE", path: "/apps/{id}/parameters/{name}", summary: "Delete a parameter; the task returned deletes it from SSM Parameter Store", tag, scope: "apps:write", params: byParameter, response: parameterDeletion, status: 202 },
  (ctx) => parameters.deleteParameter(ctx.principal, { appId: ctx.params.id, name: ctx.params.name }),
);
