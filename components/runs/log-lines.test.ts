import { describe, expect, it } from "vitest";
import type { LogChunk } from "@/lib/engine/runs/schema";
import { appendChunks, MAX_LINES } from "./log-lines";

let id = 0;
const chunk = (text: string, stream: LogChunk["stream"] = "stdout", attempt: number | null = 1): LogChunk => ({ id: ++id, stepId: 1, attempt, stream, text, at: "2026-01-01T00:00:00.000Z" });
const texts = (chunks: LogChunk[]) => appendChunks([], chunks).lines.map((line) => line.text);

describe("log lines from chunks", () => {
  it("splits chunks into lines and continues a line that a chunk left open", () => {
    expect(texts([chunk("hel"), chunk("lo\nwor"), chunk("ld\n")])).toEqual(["hello", "world"]);
    expect(texts([chunk("a\n\nb")])).toEqual(["a", "", "b"]);
  });

  it("does not continue a line of another stream or attempt", () => {
    const { lines } = appendChunks([], [chunk("out"), chunk("err\n", "stderr"), chunk("again", "stdout", 2)]);
    expect(lines.map((line) => [line.text, line.stream, line.attempt])).toEqual([
      ["out", "stdout", 1],
      ["err", "stderr", 1],
      ["again", "stdout", 2],
    ]);
  });

  it("keeps the newest lines and counts those it dropped", () => {
    const first = appendChunks([], [chunk(`${"x\n".repeat(MAX_LINES)}`)]);
    expect(first.dropped).toBe(0);
    const next = appendChunks(first.lines, [chunk("last\n")]);
    expect(next.dropped).toBe(1);
    expect(next.lines).toHaveLength(MAX_LINES);
    expect(next.lines.at(-1)?.text).toBe("last");
  });
});
