import type { LogChunk } from "@/lib/engine/runs/schema";

export type Line = { text: string; stream: LogChunk["stream"]; attempt: number | null; open: boolean };

/** Lines kept in the browser; the download has all of them. */
export const MAX_LINES = 10_000;

/** Adds chunks to the lines: a chunk may end mid-line, and the next chunk of that stream and attempt continues it. */
export function appendChunks(lines: readonly Line[], chunks: readonly LogChunk[]): { lines: Line[]; dropped: number } {
  const next = lines.slice();
  for (const chunk of chunks) {
    const parts = chunk.text.split("\n");
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (last && part === "") return;
      const tail = next[next.length - 1];
      if (i === 0 && tail?.open && tail.stream === chunk.stream && tail.attempt === chunk.attempt) next[next.length - 1] = { ...tail, text: tail.text + part, open: last };
      else next.push({ text: part, stream: chunk.stream, attempt: chunk.attempt, open: last });
    });
  }
  const dropped = Math.max(0, next.length - MAX_LINES);
  return { lines: dropped > 0 ? next.slice(dropped) : next, dropped };
}
