/**
 * Uploads a file straight from the browser to a container, with a container SAS URL (Azure's Blob
 * REST API; nothing passes through Sluice). Files up to one block go in one Put Blob; larger ones as
 * blocks (Put Block, then Put Block List) a few at a time. Block ids follow from the file's name,
 * size and modification time, so an upload that broke off resumes: the blocks Azure holds already
 * (uncommitted, kept for a week) are listed and skipped.
 */
export type Transport = {
  /** a PUT whose progress (bytes sent) is reported as it goes */
  put(url: string, body: Blob | string, headers: Record<string, string>, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<void>;
  get(url: string, signal?: AbortSignal): Promise<{ status: number; text: string }>;
};

export const BLOCK_SIZE = 4 * 1024 * 1024;

export type UploadOptions = {
  blockSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
  transport?: Transport;
};

export class StorageRequestError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`The storage service answered ${status}${detail ? `: ${/<Message>([^<]*)/.exec(detail)?.[1] ?? detail.slice(0, 200)}` : ""}`);
  }
}

/** The blob's URL under a container SAS URL (each segment of the name encoded, "/" kept). */
export function blobUrl(containerSasUrl: string, name: string): string {
  const url = new URL(containerSasUrl);
  url.pathname = `${url.pathname.replace(/\/$/, "")}/${name.split("/").map(encodeURIComponent).join("/")}`;
  return url.toString();
}

/** The browser's transport: XMLHttpRequest, the one API that reports upload progress. */
export const xhrTransport: Transport = {
  put: (url, body, headers, onProgress, signal) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new StorageRequestError(xhr.status, xhr.responseText)));
      xhr.onerror = () => reject(new Error("The storage service could not be reached."));
      xhr.onabort = () => reject(new DOMException("The upload was stopped.", "AbortError"));
      signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(body);
    }),
  get: async (url, signal) => {
    const response = await fetch(url, { signal });
    return { status: response.status, text: await response.text() };
  },
};

/** FNV-1a over the text, as 8 hex digits: the same file gets the same block ids on a retry. */
function fingerprint(text: string) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/** Block ids must all have the same length within a blob. */
const blockId = (print: string, index: number) => btoa(`${print}-${String(index).padStart(6, "0")}`);

/** The blocks the service holds for the blob but has not committed: id → size. */
async function uncommittedBlocks(transport: Transport, url: string, signal?: AbortSignal): Promise<Map<string, number>> {
  const { status, text } = await transport.get(`${url}&comp=blocklist&blocklisttype=uncommitted`, signal);
  if (status === 404) return new Map();
  if (status >= 300) throw new StorageRequestError(status, text);
  const section = /<UncommittedBlocks>([\s\S]*?)<\/UncommittedBlocks>/.exec(text)?.[1] ?? "";
  return new Map([...section.matchAll(/<Name>([^<]*)<\/Name>\s*<Size>(\d+)<\/Size>/g)].map((m) => [m[1], Number(m[2])]));
}

type Named = Blob & { name?: string; lastModified?: number };

/** Uploads `file` as blob `name`; answers how many blocks were sent and how many a broken-off attempt had sent already. */
export async function uploadBlob(containerSasUrl: string, name: string, file: Named, options: UploadOptions = {}) {
  const { blockSize = BLOCK_SIZE, concurrency = 4, signal, onProgress = () => undefined, transport = xhrTransport } = options;
  const url = blobUrl(containerSasUrl, name);
  const contentType = file.type || "application/octet-stream";
  if (file.size <= blockSize) {
    await transport.put(url, file, { "x-ms-blob-type": "BlockBlob", "x-ms-blob-content-type": contentType }, (sent) => onProgress(sent, file.size), signal);
    onProgress(file.size, file.size);
    return { blocksSent: 1, blocksReused: 0 };
  }
  const print = fingerprint(`${name}\n${file.size}\n${file.lastModified ?? 0}`);
  const blocks = Array.from({ length: Math.ceil(file.size / blockSize) }, (_, index) => {
    const start = index * blockSize;
    return { id: blockId(print, index), start, size: Math.min(blockSize, file.size - start) };
  });
  const held = await uncommittedBlocks(transport, url, signal);
  const missing = blocks.filter((block) => held.get(block.id) !== block.size);
  const sent = new Map<string, number>(blocks.filter((block) => !missing.includes(block)).map((block) => [block.id, block.size]));
  const report = () => onProgress([...sent.values()].reduce((a, b) => a + b, 0), file.size);
  report();
  const queue = [...missing];
  const worker = async () => {
    for (let block = queue.shift(); block; block = queue.shift()) {
      const current = block;
      await transport.put(`${url}&comp=block&blockid=${encodeURIComponent(current.id)}`, file.slice(current.start, current.start + current.size), {}, (bytes) => (sent.set(current.id, bytes), report()), signal);
      sent.set(current.id, current.size);
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
  const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blocks.map((block) => `<Latest>${block.id}</Latest>`).join("")}</BlockList>`;
  await transport.put(`${url}&comp=blocklist`, list, { "content-type": "application/xml", "x-ms-blob-content-type": contentType }, () => undefined, signal);
  return { blocksSent: missing.length, blocksReused: blocks.length - missing.length };
}
