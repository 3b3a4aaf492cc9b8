import { AppError } from "@/lib/errors";
import { log } from "@/lib/log/logger";

export const PROBLEM_BASE = "https://sluice.dev/problems/";

/**
 * What an API call answers, before it is a Fetch Response: the production server writes it to the
 * socket as it is (lib/http/node-router.ts), route handlers turn it into a Response (`toFetch`). A
 * handler's own Response (a stream) passes through.
 */
export type Answer = { status: number; headers: Record<string, string>; body: string | null } | { response: Response };

export function toFetch(answer: Answer): Response {
  return "response" in answer ? answer.response : new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** RFC 9457 problem details with Sluice's stable `code`. Unknown failures are a 500 without internals. */
export function problemAnswer(error: unknown, requestId: string, headers: Record<string, string> = {}): Answer {
  const known = error instanceof AppError;
  if (!known) log().error({ err: error }, "unhandled error");
  const status = known ? error.status : 500;
  const code = known ? error.code : "internal_error";
  const body = {
    type: `${PROBLEM_BASE}${code}`,
    title: known ? error.message : "Something went wrong on our side.",
    status,
    code,
    ...(known ? error.details : {}),
    instance: requestId,
  };
  return { status, headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...headers }, body: JSON.stringify(body) };
}
