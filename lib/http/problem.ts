import { AppError } from "@/lib/errors";
import { log } from "@/lib/log/logger";

export const PROBLEM_BASE = "https://sluice.dev/problems/";

/** RFC 9457 problem details with Sluice's stable `code`. Unknown failures are a 500 without internals. */
export function problemResponse(error: unknown, requestId: string, headers: Record<string, string> = {}): Response {
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
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...headers },
  });
}
