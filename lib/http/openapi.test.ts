import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { allEndpoints, openApiDocument } from "./openapi";

type Json = Record<string, any>;

const doc = openApiDocument() as Json;
const endpoints = allEndpoints();
const named = endpoints.map((e) => [`${e.spec.method} ${e.spec.path}`, e] as const);
const operation = (e: (typeof endpoints)[number]): Json => doc.paths[`/api/v1${e.spec.path}`]?.[e.spec.method.toLowerCase()];
const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/** Ajv for the document's schemas, with the document loaded so "#/components/..." references resolve. */
function documentAjv() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "sluice-openapi" });
  return ajv;
}

function validator(e: (typeof endpoints)[number], type = "application/json") {
  const pointer = ["#", "paths", `/api/v1${e.spec.path}`, e.spec.method.toLowerCase(), "requestBody", "content", type, "schema"]
    .map((part, i) => (i === 0 ? part : part.replace(/~/g, "~0").replace(/\//g, "~1")))
    .join("/");
  const validate = documentAjv().getSchema(`sluice-openapi${pointer}`);
  expect(validate, pointer).toBeDefined();
  return validate!;
}

function endpointNamed(method: string, path: string) {
  const e = endpoints.find((x) => x.spec.method === method && x.spec.path === path);
  if (!e) throw new Error(`no endpoint ${method} ${path}`);
  return e;
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with info, servers and the bearer scheme", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "oauth2", flows: { clientCredentials: { tokenUrl: "/api/v1/oauth/token" } } });
  });

  it("survives JSON.stringify", () => {
    const text = JSON.stringify(doc);
    expect(text.length).toBeGreaterThan(1000);
    expect(JSON.parse(text)).toEqual(doc);
  });

  it("is the same object on every call", () => {
    expect(openApiDocument()).toBe(doc);
  });

  it("has every endpoint, each once, and nothing else", () => {
    const keys = endpoints.map((e) => `${e.spec.method} ${e.spec.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const documented = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/^\/api\/v1/, "")}`));
    expect(documented.sort()).toEqual([...keys].sort());
    for (const path of Object.keys(doc.paths)) expect(path.startsWith("/api/v1/")).toBe(true);
  });

  it("includes the foundation endpoints", () => {
    const keys = endpoints.map((e) => `${e.spec.method} ${e.spec.path}`);
    for (const key of [
      "POST /oauth/token",
      "GET /workspaces",
      "POST /workspaces",
      "GET /workspaces/{id}",
      "PATCH /workspaces/{id}",
      "DELETE /workspaces/{id}",
      "GET /workspaces/{id}/members",
      "POST /workspaces/{id}/members",
      "PATCH /workspaces/{id}/members/{kind}/{memberId}",
      "DELETE /workspaces/{id}/members/{kind}/{memberId}",
      "GET /clients",
      "POST /clients",
      "GET /clients/{id}",
      "DELETE /clients/{id}",
      "POST /clients/{id}/secret",
      "GET /audit",
    ]) {
      expect(keys).toContain(key);
    }
  });

  it("has unique operation ids", () => {
    const ids = endpoints.map((e) => operation(e).operationId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resolves every $ref inside the document", () => {
    const refs: string[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
          if (key === "$ref" && typeof item === "string") refs.push(item);
          else walk(item);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split("/")
        .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc);
      expect(target, `${ref} does not resolve in the document`).toBeTypeOf("object");
    }
  });

  describe.each(named)("%s", (_name, e) => {
    const op = operation(e);

    it("is documented with a summary and a tag", () => {
      expect(op).toBeDefined();
      expect(op.summary).toBe(e.spec.summary);
      expect(op.tags).toEqual([e.spec.tag]);
    });

    it("declares every path parameter, and only those", () => {
      const names = pathParams(e.spec.path);
      const declared = (op.parameters ?? []).filter((p: Json) => p.in === "path");
      expect(declared.map((p: Json) => p.name).sort()).toEqual([...names].sort());
      for (const p of declared) expect(p).toMatchObject({ required: true, schema: { type: expect.any(String) } });
      // the handler's params schema reads exactly the parameters of the path
      if (names.length > 0 || e.spec.params) {
        const shape = (e.spec.params as unknown as z.ZodObject | undefined)?.shape;
        expect(shape, "a path with parameters needs a params schema").toBeDefined();
        expect(Object.keys(shape!).sort()).toEqual([...names].sort());
      }
    });

    it("declares its query parameters", () => {
      const declared = (op.parameters ?? []).filter((p: Json) => p.in === "query").map((p: Json) => p.name);
      const shape = (e.spec.query as unknown as z.ZodObject | undefined)?.shape;
      expect(declared.sort()).toEqual(Object.keys(shape ?? {}).sort());
    });

    it("documents its request body with a schema", () => {
      if (!e.spec.body) {
        expect(op.requestBody).toBeUndefined();
        return;
      }
      expect(e.spec.method).not.toBe("GET");
      expect(op.requestBody.required).toBe(true);
      const types = Object.keys(op.requestBody.content);
      expect(types).toContain("application/json");
      if (e.spec.bodyFormat === "json-or-form") expect(types).toContain("application/x-www-form-urlencoded");
      if (e.spec.bodyFormat === "json-or-yaml") expect(types).toContain("application/yaml");
      for (const type of types) {
        const schema = op.requestBody.content[type].schema;
        expect(schema, type).toBeTypeOf("object");
        expect(Object.keys(schema).length).toBeGreaterThan(0);
        expect(schema.$schema).toBeUndefined();
        expect(typeof validator(e, type)).toBe("function");
      }
    });

    it("documents security by its scope", () => {
      if (e.spec.scope) expect(op.security).toEqual([{ bearer: [e.spec.scope] }]);
      else expect(op.security).toEqual([]);
    });

    it("documents the success response and problem responses", () => {
      const success = String(e.spec.status ?? (e.spec.response ? 200 : 204));
      expect(op.responses[success]).toBeDefined();
      if (e.spec.response) expect(op.responses[success].content["application/json"].schema).toBeTypeOf("object");
      else expect(op.responses[success].content).toBeUndefined();
      const expected = ["400", ...(e.spec.scope ? ["401", "403"] : []), ...(pathParams(e.spec.path).length ? ["404"] : []), ...(e.spec.errors ?? []).map(String)];
      for (const status of expected) {
        expect(op.responses[status], status).toBeDefined();
        expect(op.responses[status].content["application/problem+json"].schema).toEqual({ $ref: "#/components/schemas/Problem" });
      }
      for (const header of e.spec.responseHeaders ?? []) expect(op.responses[success].headers[header]).toBeDefined();
      for (const header of e.spec.requestHeaders ?? []) expect(op.parameters).toContainEqual(expect.objectContaining({ name: header, in: "header" }));
    });
  });

  it("describes problems with type, title, status and code", () => {
    expect(doc.components.schemas.Problem).toMatchObject({ type: "object", required: ["type", "title", "status", "code"] });
  });

  it("documents ETag and If-Match on the workspace routes", () => {
    const get = operation(endpointNamed("GET", "/workspaces/{id}"));
    expect(get.responses["200"].headers.ETag).toBeDefined();
    const patch = operation(endpointNamed("PATCH", "/workspaces/{id}"));
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: "If-Match", in: "header" }));
    expect(patch.responses["412"]).toBeDefined();
  });

  it.each<[string, string, string, unknown, boolean]>([
    ["create workspace: a name", "POST", "/workspaces", { name: "alpha" }, true],
    ["create workspace: flat rules", "POST", "/workspaces", { name: "alpha", accessRules: ["a", "b"] }, true],
    ["create workspace: rule lists", "POST", "/workspaces", { name: "alpha", accessRules: [["a"], ["b", "c"]], hidden: true }, true],
    ["create workspace: no name", "POST", "/workspaces", {}, false],
    ["create workspace: an unknown field", "POST", "/workspaces", { name: "alpha", owner: "me" }, false],
    ["create workspace: a numeric name", "POST", "/workspaces", { name: 5 }, false],
    ["create workspace: a name starting with '-'", "POST", "/workspaces", { name: "-alpha" }, false],
    ["update workspace: empty", "PATCH", "/workspaces/{id}", {}, true],
    ["update workspace: an unknown field", "PATCH", "/workspaces/{id}", { version: 2 }, false],
    ["add member: by e-mail", "POST", "/workspaces/{id}/members", { email: "a@example.test", role: "viewer" }, true],
    ["add member: an unknown role", "POST", "/workspaces/{id}/members", { email: "a@example.test", role: "owner" }, false],
    ["add member: an invalid e-mail", "POST", "/workspaces/{id}/members", { email: "nope", role: "viewer" }, false],
    ["change member: a role", "PATCH", "/workspaces/{id}/members/{kind}/{memberId}", { role: "admin" }, true],
    ["create client", "POST", "/clients", { name: "bot", scopes: ["workspaces:read"] }, true],
    ["create client: an unknown scope", "POST", "/clients", { name: "bot", scopes: ["everything"] }, false],
    ["token", "POST", "/oauth/token", { grant_type: "client_credentials", client_id: "a", client_secret: "b" }, true],
    ["token: another grant", "POST", "/oauth/token", { grant_type: "password", client_id: "a", client_secret: "b" }, false],
  ])("request body schema: %s → %s", (_name, method, path, body, valid) => {
    const e = endpointNamed(method, path);
    const validate = validator(e);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(valid);
    // the documented schema agrees with the handler's zod schema
    expect(e.spec.body!.safeParse(body).success).toBe(valid);
  });

  it("documents the token endpoint's form body like its JSON body", () => {
    const op = operation(endpointNamed("POST", "/oauth/token"));
    expect(op.requestBody.content["application/x-www-form-urlencoded"].schema).toEqual(op.requestBody.content["application/json"].schema);
    expect(op.security).toEqual([]);
    expect(op.responses["429"]).toBeDefined();
  });
});
