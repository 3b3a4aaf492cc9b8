import type { Answer } from "./send";

export const MAX_ANSWER_MS = 2_000;
const SHOWN = 1_500;

export const truncate = (text: string) => (text.length > SHOWN ? `${text.slice(0, SHOWN)}… (${text.length} characters)` : text);

export function problemCode(answer: Answer): unknown {
  try {
    return (JSON.parse(answer.text) as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

/** What is wrong with an answer: a 5xx, slower than 2 s, or a 4xx that is not problem+json with a `code`. */
export function violations(answer: Answer): string[] {
  const found: string[] = [];
  if (answer.status >= 500) found.push(`status ${answer.status}`);
  if (answer.ms >= MAX_ANSWER_MS) found.push(`answered in ${Math.round(answer.ms)} ms`);
  if (answer.status >= 400 && answer.status < 500) {
    if (!answer.contentType.startsWith("application/problem+json")) found.push(`${answer.status} with content-type '${answer.contentType}'`);
    else if (typeof problemCode(answer) !== "string") found.push(`${answer.status} without a string code`);
  }
  return found;
}

/** The failure report: what broke, the request as sent (truncated), the answer, and the server's logged error. */
export function report(found: string[], answer: Answer, serverErrors: string[]) {
  return [
    found.join("; "),
    `--- request\n${truncate(answer.request)}`,
    `--- answer ${answer.status} ${answer.contentType} (${Math.round(answer.ms)} ms)\n${truncate(answer.text)}`,
    ...serverErrors.map((e) => `--- server error\n${truncate(e)}`),
  ].join("\n");
}
