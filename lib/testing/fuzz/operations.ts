import type { Endpoint } from "@/lib/http/endpoint";
import { allEndpoints, openApiDocument } from "@/lib/http/openapi";

/** A JSON Schema as it appears in the OpenAPI document (the 2020-12 subset zod emits). */
export type Schema = { [keyword: string]: unknown };

export type Operation = {
  method: string;
  /** the OpenAPI path, e.g. /api/v1/workspaces/{id} */
  path: string;
  /** path parameters, each with the literal segment it belongs to ("workspaces/id", "members/kind") */
  pathParams: { name: string; collection: string }[];
  query: { name: string; required: boolean; schema: Schema }[];
  headers: string[];
  /** request body schema per content type; undefined for operations without a body */
  body?: Record<string, Schema>;
  secured: boolean;
  /** the route handler, as the app's route files export it */
  endpoint: Endpoint;
};

type OperationObject = {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
};

export type FuzzDocument = { paths: Record<string, Record<string, OperationObject>>; components: { schemas: Record<string, Schema> } };

export const fuzzDocument = () => openApiDocument() as unknown as FuzzDocument;

/** The path parameters of an OpenAPI path, each named by the last literal segment before it. */
function pathParams(path: string) {
  const params: Operation["pathParams"] = [];
  let collection = "";
  for (const segment of path.split("/")) {
    const param = /^\{(\w+)\}$/.exec(segment);
    if (param) params.push({ name: param[1], collection: `${collection}/${param[1]}` });
    else if (segment) collection = segment.replace(/:.*$/, "");
  }
  return params;
}

/** Every operation of the OpenAPI document, with the endpoint that serves it. */
export function documentOperations(document = fuzzDocument()): Operation[] {
  const endpoints = allEndpoints();
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const endpoint = endpoints.find((e) => e.spec.method === method.toUpperCase() && `/api/v1${e.spec.path}` === path);
      if (!endpoint) throw new Error(`no endpoint serves ${method.toUpperCase()} ${path}`);
      const parameters = op.parameters ?? [];
      return {
        method: method.toUpperCase(),
        path,
        pathParams: pathParams(path),
        query: parameters.filter((p) => p.in === "query").map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema })),
        headers: parameters.filter((p) => p.in === "header").map((p) => p.name),
        body: op.requestBody ? Object.fromEntries(Object.entries(op.requestBody.content).map(([type, { schema }]) => [type, schema])) : undefined,
        secured: (op.security ?? []).length > 0,
        endpoint,
      };
    }),
  );
}
