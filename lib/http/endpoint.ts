import { randomUUID } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { sessionPrincipal } from "@/lib/auth/session";
import { verifyBearer } from "@/lib/auth/tokens";
import type { Scope } from "@/lib/access/actions";
import { AppError, invalid } from "@/lib/errors";
import { log, withRequestContext } from "@/lib/log/logger";
import { zodFieldErrors } from "@/lib/validation";
import { problemResponse } from "./problem";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type BodyFormat = "json" | "json-or-form" | "json-or-yaml";

export type EndpointSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  method: Method;
  /** OpenAPI path below /api/v1, e.g. "/workspaces/{id}" */
  path: string;
  summary: string;
  tag: string;
  /** the token scope this endpoint needs; omitted for public endpoints (no principal) */
  scope?: Scope;
  params?: P;
  query?: Q;
  body?: B;
  bodyFormat?: BodyFormat;
  response?: z.ZodType;
  /** success status; 204 when the handler returns nothing */
  status?: number;
  /** errors worth documenting besides the usual 400/401/403/404 */
  errors?: number[];
  /** response headers to document, e.g. ETag */
  responseHeaders?: string[];
  requestHeaders?: string[];
};

export type EndpointContext<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  principal: Principal;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /** the version named by If-Match, when sent */
  ifMatch?: number;
  request: Request;
  requestId: string;
};

/** A response with status or headers of its own. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly init: { status?: number; headers?: Record<string, string>; /** send `body` (a string) as is */ contentType?: string } = {},
  ) {}
}

const emptyObject = z.object({});

async function readBody(request: Request, format: BodyFormat): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  if (format === "json-or-form" && type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  if (format === "json-or-yaml" && /yaml/.test(type)) return text;
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    if (format === "json-or-yaml") {
      try {
        parseYaml(text);
        return text;
      } catch {
        // falls through to the JSON error
      }
    }
    throw new AppError(400, "invalid_json", "The request body is not valid JSON.", { errors: [{ path: "", message: "not valid JSON" }] });
  }
}

function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> {
  if (!schema) return value as z.output<S>;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw invalid(
      zodFieldErrors(result.error).map((e) => ({ ...e, path: where === "body" ? e.path : `${where}.${e.path}` })),
      `The ${where === "body" ? "request body" : where} is not valid.`,
    );
  }
  return result.data;
}

function parseIfMatch(request: Request): number | undefined {
  const header = request.headers.get("if-match");
  if (!header) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) throw new AppError(400, "invalid_if_match", 'If-Match must be an ETag as returned by GET, e.g. "3".');
  return Number(match[1]);
}

function sameOrigin(request: Request) {
  const origin = request.headers.get("origin");
  return !origin || origin === new URL(request.url).origin || origin === `${request.headers.get("x-forwarded-proto") ?? "http"}://${request.headers.get("host")}`;
}

/** Bearer token first; a browser session (same origin only for changes) lets the UI use the API too. */
async function resolvePrincipal(request: Request): Promise<Principal> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const [kind, token] = authorization.split(" ");
    if (kind?.toLowerCase() !== "bearer" || !token) throw new AppError(401, "unauthorized", "Use an Authorization: Bearer <token> header.");
    return verifyBearer(token.trim());
  }
  const session = request.method === "GET" || sameOrigin(request) ? await sessionPrincipal() : undefined;
  if (!session) throw new AppError(401, "unauthorized", "Sign in or send a bearer token.");
  return session;
}

export type Endpoint = {
  spec: EndpointSpec<z.ZodType, z.ZodType, z.ZodType>;
  handle: (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
};

/** The one route-handler wrapper: principal, scope, zod, service call, problem+json. */
export function endpoint<P extends z.ZodType = typeof emptyObject, Q extends z.ZodType = typeof emptyObject, B extends z.ZodType = typeof emptyObject>(
  spec: EndpointSpec<P, Q, B>,
  handler: (ctx: EndpointContext<P, Q, B>) => Promise<unknown>,
): Endpoint {
  const handle = async (request: Request, context: { params: Promise<Record<string, string>> }) => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
    return withRequestContext(requestId, async () => {
      const started = performance.now();
      let response: Response;
      let principal: Principal | undefined;
      try {
        principal = spec.scope ? await resolvePrincipal(request) : undefined;
        if (principal && spec.scope && !principal.scopes.includes(ALL_SCOPES_MARKER) && !principal.scopes.includes(spec.scope)) {
          throw new AppError(403, "insufficient_scope", `This endpoint needs the '${spec.scope}' scope.`, { requiredScope: spec.scope });
        }
        const url = new URL(request.url);
        const rawQuery = Object.fromEntries(url.searchParams);
        const ctx: EndpointContext<P, Q, B> = {
          principal: principal as Principal,
          params: parsePart(spec.params, await context.params, "params"),
          query: parsePart(spec.query ?? (emptyObject.strict() as unknown as Q), rawQuery, "query"),
          body: spec.body ? parsePart(spec.body, await readBody(request, spec.bodyFormat ?? "json"), "body") : (undefined as z.output<B>),
          ifMatch: parseIfMatch(request),
          request,
          requestId,
        };
        const result = await handler(ctx);
        response = toResponse(result, spec.status, requestId);
      } catch (error) {
        response = problemResponse(error, requestId, error instanceof AppError && error.status === 401 ? { "www-authenticate": 'Bearer realm="sluice"' } : {});
      }
      log().info(
        { method: request.method, path: new URL(request.url).pathname, status: response.status, ms: Math.round(performance.now() - started), principal: principal?.subject },
        "request",
      );
      return response;
    });
  };
  return { spec: spec as unknown as Endpoint["spec"], handle };
}

function toResponse(result: unknown, status: number | undefined, requestId: string): Response {
  const reply = result instanceof Reply ? result : new Reply(result, { status });
  const headers = { "x-request-id": requestId, ...reply.init.headers };
  if (reply.body === undefined) return new Response(null, { status: reply.init.status ?? 204, headers });
  if (reply.init.contentType) return new Response(String(reply.body), { status: reply.init.status ?? 200, headers: { ...headers, "content-type": reply.init.contentType } });
  return Response.json(reply.body, { status: reply.init.status ?? status ?? 200, headers });
}
