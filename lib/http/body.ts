import type { IncomingMessage } from "node:http";
import { AppError } from "@/lib/errors";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The largest request body Sluice reads (SLUICE_MAX_BODY_BYTES, default 1 MiB). */
export function maxBodyBytes(): number {
  const configured = Number(process.env.SLUICE_MAX_BODY_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_BODY_BYTES;
}

export function bodyTooLarge(limit: number) {
  return new AppError(413, "payload_too_large", `The request body is larger than ${limit} bytes.`, { limit });
}

function declaredTooLarge(contentLength: string | null | undefined, limit: number) {
  return contentLength !== null && contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > limit;
}

/** Collects chunks, failing as soon as they pass `limit` bytes: nothing beyond it is buffered. */
async function collect(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) throw bodyTooLarge(limit);
    parts.push(chunk);
  }
  return Buffer.concat(parts, size);
}

/** A Fetch API request's body, capped while it is read. */
export async function readRequestBody(request: Request, limit = maxBodyBytes()): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredTooLarge(request.headers.get("content-length"), limit)) throw bodyTooLarge(limit);
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  try {
    return await collect(
      {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        },
      },
      limit,
    );
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** A Node request's body, capped while it is read. */
export async function readIncomingBody(req: IncomingMessage, limit = maxBodyBytes()): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredTooLarge(req.headers["content-length"], limit)) throw bodyTooLarge(limit);
  return collect(req as AsyncIterable<Uint8Array>, limit);
}

/** UTF-8 text of a body; bytes that are not UTF-8 are a 400, not replacement characters. */
export function bodyText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError(400, "invalid_encoding", "The request body is not valid UTF-8.", { errors: [{ path: "", message: "not valid UTF-8" }] });
  }
}
