import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { PROBLEM_BASE } from "./problem";

const REFUSALS: Record<string, [status: number, code: string, title: string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "The request line and headers are larger than the server accepts (16 KiB)."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "The request did not arrive in time."],
};
const MALFORMED: [number, string, string] = [400, "malformed_request", "The request is not valid HTTP/1.1."];

/**
 * A server's "clientError" listener: what Node's HTTP parser refuses before any handler runs (an
 * overlong URL or headers, bytes a URL may not hold, broken framing) is answered as problem+json,
 * like every other 4xx, instead of Node's empty default answer.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex) {
  if (error.code !== "ECONNRESET" && socket.writable) {
    const [status, code, title] = REFUSALS[error.code ?? ""] ?? MALFORMED;
    const body = JSON.stringify({ type: `${PROBLEM_BASE}${code}`, title, status, code });
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  }
  // As Node's default: the rest of the request is not read.
  socket.destroy();
}
