import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { sessionPrincipal } from "@/lib/auth/session";
import { verifyBearer } from "@/lib/auth/tokens";
import type { Scope } from "@/lib/access/actions";
import { AppError, invalid } from "@/lib/errors";
import { log, withRequestContext } from "@/lib/log/logger";
import { parseInput } from "@/lib/validation";
import { bodyText, readRequestBody } from "./body";
import { assertNoForbiddenKeys, parseJsonBody } from "./json";
import { problemAnswer, toFetch, type Answer } from "./problem";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/** `raw`: not parsed here; the handler reads the bytes (`rawBody`), e.g. to check a signature over them first. */
type BodyFormat = "json" | "json-or-form" | "json-or-yaml" | "raw";

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
  /** the body as received (capped), when the endpoint has one */
  rawBody?: Uint8Array<ArrayBuffer>;
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
/** An endpoint without query parameters refuses any. */
const noQuery = emptyObject.strict();
/** Versions are PostgreSQL integers. */
const MAX_VERSION = 2_147_483_647;

/** Parses a body already read (and capped) by `readRequestBody`. */
function parseBody(bytes: Uint8Array, type: string, format: BodyFormat): unknown {
  const text = bodyText(bytes);
  if (format === "json-or-form" && type.includes("application/x-www-form-urlencoded")) {
    const form = Object.fromEntries(new URLSearchParams(text));
    assertNoForbiddenKeys(form, "");
    return form;
  }
  if (format === "json-or-yaml" && /yaml/.test(type)) return text;
  if (!text.trim()) return {};
  if (format !== "json-or-yaml") return parseJsonBody(text);
  try {
    return parseJsonBody(text);
  } catch {
    return text; // YAML: the service parses it and reports what is wrong
  }
}

/** Path parameters and query values are plain text: no NUL or other control characters, bounded length. */
const MAX_PARAM_LENGTH = 1024;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function assertPlainText(values: Record<string, string>, where: "params" | "query") {
  assertNoForbiddenKeys(values, where);
  const errors = Object.entries(values).flatMap(([name, value]) => {
    if (value.length > MAX_PARAM_LENGTH) return [{ path: `${where}.${name}`, message: `longer than ${MAX_PARAM_LENGTH} characters` }];
    if (CONTROL_CHARACTER.test(value)) return [{ path: `${where}.${name}`, message: "must not contain NUL or other control characters" }];
    return [];
  });
  if (errors.length > 0) throw invalid(errors, `The ${where === "params" ? "path" : "query string"} is not valid.`);
}

function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, where: "params" | "query" | "body"): z.output<S> {
  if (!schema) return value as z.output<S>;
  return parseInput(schema, value, `The ${where === "body" ? "request body" : where} is not valid.`, where === "body" ? "" : where);
}

function parseIfMatch(request: Request): number | undefined {
  const header = request.headers.get("if-match");
  if (!header) return undefined;
  const match = /^(?:W\/)?"(\d{1,10})"$/.exec(header.trim());
  if (!match || Number(match[1]) > MAX_VERSION) throw new AppError(400, "invalid_if_match", 'If-Match must be an ETag as returned by GET, e.g. "3".');
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

/** A client's request id when it is a plain token, else a fresh one (it is echoed in a header and logs). */
function requestIdOf(request: Request) {
  const given = request.headers.get("x-request-id");
  return given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/** `body`: the request's body as the caller already read it (and capped); else it is read from `request`. */
type HandleContext = { params: Promise<Record<string, string>>; body?: Uint8Array<ArrayBuffer> };

export type Endpoint = {
  spec: EndpointSpec<z.ZodType, z.ZodType, z.ZodType>;
  /** a route handler: the answer as a Fetch Response */
  handle: (request: Request, context: HandleContext) => Promise<Response>;
  /** the answer as it is, for a server that writes it itself */
  answer: (request: Request, context: HandleContext) => Promise<Answer>;
};

/** The one route-handler wrapper: principal, scope, zod, service call, problem+json. */
export function endpoint<P extends z.ZodType = typeof emptyObject, Q extends z.ZodType = typeof emptyObject, B extends z.ZodType = typeof emptyObject>(
  spec: EndpointSpec<P, Q, B>,
  handler: (ctx: EndpointContext<P, Q, B>) => Promise<unknown>,
): Endpoint {
  const answer = async (request: Request, context: HandleContext) => {
    const requestId = requestIdOf(request);
    return withRequestContext(requestId, async () => {
      const started = performance.now();
      const url = new URL(request.url);
      let response: Answer;
      let principal: Principal | undefined;
      try {
        // The body is read (and capped) before the token is checked: an oversized body costs nothing more.
        const body = spec.body ? (context.body ?? (await readRequestBody(request))) : undefined;
        principal = spec.scope ? await resolvePrincipal(request) : undefined;
        if (principal && spec.scope && !principal.scopes.includes(ALL_SCOPES_MARKER) && !principal.scopes.includes(spec.scope)) {
          throw new AppError(403, "insufficient_scope", `This endpoint needs the '${spec.scope}' scope.`, { requiredScope: spec.scope });
        }
        const rawParams = (await context.params) ?? {}; // Next passes none to a route without dynamic segments
        const rawQuery = Object.fromEntries(url.searchParams);
        assertPlainText(rawParams, "params");
        assertPlainText(rawQuery, "query");
        const ctx: EndpointContext<P, Q, B> = {
          principal: principal as Principal,
          params: parsePart(spec.params, rawParams, "params"),
          query: parsePart(spec.query ?? (noQuery as unknown as Q), rawQuery, "query"),
          body: body && spec.bodyFormat !== "raw" ? parsePart(spec.body, parseBody(body, request.headers.get("content-type") ?? "", spec.bodyFormat ?? "json"), "body") : (undefined as z.output<B>),
          rawBody: body,
          ifMatch: parseIfMatch(request),
          request,
          requestId,
        };
        const result = await handler(ctx);
        response = toAnswer(result, spec.status, requestId);
      } catch (error) {
        response = problemAnswer(error, requestId, error instanceof AppError && error.status === 401 ? { "www-authenticate": 'Bearer realm="sluice"' } : {});
      }
      log().info(
        { method: request.method, path: url.pathname, status: "response" in response ? response.response.status : response.status, ms: Math.round(performance.now() - started), principal: principal?.subject },
        "request",
      );
      return response;
    });
  };
  return { spec: spec as unknown as Endpoint["spec"], answer, handle: async (request, context) => toFetch(await answer(request, context)) };
}

function toAnswer(result: unknown, status: number | undefined, requestId: string): Answer {
  if (result instanceof Response) {
    result.headers.set("x-request-id", requestId);
    return { response: result };
  }
  const reply = result instanceof Reply ? result : new Reply(result, { status });
  const headers = { "x-request-id": requestId, ...reply.init.headers };
  if (reply.body === undefined) return { status: reply.init.status ?? 204, headers, body: null };
  if (reply.init.contentType) return { status: reply.init.status ?? 200, headers: { ...headers, "content-type": reply.init.contentType }, body: String(reply.body) };
  return { status: reply.init.status ?? status ?? 200, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(reply.body) };
}
