import { z } from "zod";
import * as audit from "@/lib/audit/endpoints";
import * as auth from "@/lib/auth/endpoints";
import * as clients from "@/lib/clients/endpoints";
import * as connections from "@/lib/connections/endpoints";
import * as workflows from "@/lib/workflows/endpoints";
import * as workspaces from "@/lib/workspaces/endpoints";
import * as runs from "@/lib/engine/runs/endpoints";
import * as secrets from "@/lib/secrets/endpoints";
import * as triggers from "@/lib/engine/triggers/endpoints";
import * as storage from "@/lib/storage/endpoints";
import { accessManagerEndpoints } from "@/lib/storage/access-manager";
import * as apps from "@/lib/apps/endpoints";
import * as buckets from "@/lib/buckets/endpoints";
import * as tasks from "@/lib/tasks/endpoints";
import type { Endpoint } from "./endpoint";

/** Every REST endpoint, in the order the reference shows them. New domains add their module here. */
export const ENDPOINT_MODULES: Record<string, Record<string, Endpoint>> = { auth, workspaces, workflows, runs, triggers, secrets, connections, apps, buckets, tasks, storage, clients, audit };

/**
 * Endpoints that answer under a prefix of their own instead of /api/v1 (the seed AccessManager's
 * paths, kept for its clients). node-router serves them like the rest; the document (whose paths are
 * /api/v1's) leaves them out.
 */
export const PREFIXED_ENDPOINTS: { prefix: string; endpoints: Endpoint[] }[] = [accessManagerEndpoints];

export function allEndpoints(): Endpoint[] {
  return Object.values(ENDPOINT_MODULES).flatMap((module) => Object.values(module));
}

export function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return rest;
}

const problem = {
  type: "object",
  required: ["type", "title", "status", "code"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string", description: "stable machine-readable error code" },
    errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
    instance: { type: "string", description: "request id" },
  },
};

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input; `errors` lists the failing fields",
  401: "Missing or invalid bearer token",
  403: "Missing scope or role",
  404: "Not found (also for objects of other tenants and workspaces you may not enter)",
  409: "Conflict",
  412: "If-Match does not match the current version",
  429: "Rate limited",
};

/** Sub-schemas hoisted from zod's local `$defs` into components.schemas, by their `$defs` block. */
type SharedSchemas = { schemas: Record<string, object>; blocks: Map<string, string> };

/**
 * A schema for the document. zod puts recursive sub-schemas in a local `$defs` with refs "#/$defs/…",
 * which inside an OpenAPI document would point at the document root; they move to components.schemas.
 */
function documentSchema(schema: z.ZodType, io: "input" | "output", shared: SharedSchemas) {
  const { $defs, ...rest } = jsonSchema(schema, io) as Record<string, unknown> & { $defs?: Record<string, object> };
  if (!$defs) return rest;
  const block = JSON.stringify($defs);
  let prefix = shared.blocks.get(block);
  const rewrite = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_, name: string) => `"#/components/schemas/${prefix}${name}"`));
  if (!prefix) {
    prefix = `Shared${shared.blocks.size + 1}`;
    shared.blocks.set(block, prefix);
    for (const [name, def] of Object.entries($defs)) shared.schemas[`${prefix}${name}`] = rewrite(def);
  }
  return rewrite(rest);
}

function operation(e: Endpoint, shared: SharedSchemas) {
  const { spec } = e;
  const parameters: object[] = [];
  const pathParams = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  for (const name of pathParams) parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
  if (spec.query) {
    const schema = documentSchema(spec.query, "input", shared) as { properties?: Record<string, { description?: string }>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      parameters.push({ name, in: "query", required: schema.required?.includes(name) ?? false, schema: property, description: property.description });
    }
  }
  for (const header of spec.requestHeaders ?? []) parameters.push({ name: header, in: "header", required: false, schema: { type: "string" } });
  const errors = [400, ...(spec.scope ? [401, 403] : []), ...(spec.path.includes("{") ? [404] : []), ...(spec.errors ?? [])];
  const success = spec.status ?? (spec.response ? 200 : 204);
  const bodyTypes =
    spec.bodyFormat === "json-or-form" ? ["application/json", "application/x-www-form-urlencoded"] : spec.bodyFormat === "json-or-yaml" ? ["application/json", "application/yaml"] : ["application/json"];
  return {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method.toLowerCase()}${spec.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
    ...(spec.scope ? { security: [{ bearer: [spec.scope] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: Object.fromEntries(bodyTypes.map((t) => [t, { schema: documentSchema(spec.body!, "input", shared) }])) } } : {}),
    responses: {
      [success]: {
        description: "Success",
        ...(spec.responseHeaders ? { headers: Object.fromEntries(spec.responseHeaders.map((h) => [h, { schema: { type: "string" } }])) } : {}),
        ...(spec.response ? { content: { "application/json": { schema: documentSchema(spec.response, "output", shared) } } } : {}),
      },
      ...Object.fromEntries([...new Set(errors)].map((s) => [s, { description: ERROR_TEXT[s] ?? "Error", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } }])),
    },
  };
}

let cached: object | undefined;

/** OpenAPI 3.1, generated from the endpoints' zod schemas. */
export function openApiDocument() {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  const shared: SharedSchemas = { schemas: {}, blocks: new Map() };
  for (const e of allEndpoints()) {
    const path = `/api/v1${e.spec.path}`;
    paths[path] ??= {};
    paths[path][e.spec.method.toLowerCase()] = operation(e, shared);
  }
  cached = {
    openapi: "3.1.0",
    info: { title: "Sluice API", version: "1", description: "Sluice's REST API. Machines authenticate with OAuth2 client credentials at /api/v1/oauth/token." },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: { Problem: problem, ...shared.schemas },
      securitySchemes: {
        bearer: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "/api/v1/oauth/token", scopes: {} } } },
      },
    },
  };
  return cached;
}
