import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit";

/** A writer that records each statement's items and answers when `release` is called. */
function recordingWriter(fail?: (item: string) => boolean) {
  const statements: string[][] = [];
  const open: (() => void)[] = [];
  const write = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      statements.push(items);
      open.push(() => (items.length > 1 && items.some((item) => fail?.(item)) ? reject(new Error("the group failed")) : items.length === 1 && fail?.(items[0]) ? reject(new Error(`${items[0]} failed`)) : resolve(items.map((item) => `${item}!`))));
    });
  const release = async () => {
    while (open.length > 0) open.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { statements, write, release };
}

const shapeOfFirstLetter = (item: string) => item[0];

describe("group commit", () => {
  it("writes a lone item at once, and those arriving meanwhile together once it is written", async () => {
    const writer = recordingWriter();
    const commit = new GroupCommit(writer.write, shapeOfFirstLetter);
    const first = commit.add("a1");
    expect(writer.statements).toEqual([["a1"]]);
    const later = ["a2", "a3", "a4"].map((item) => commit.add(item));
    expect(writer.statements).toHaveLength(1);
    await writer.release();
    expect(await first).toBe("a1!");
    expect(writer.statements).toEqual([["a1"], ["a2", "a3", "a4"]]);
    await writer.release();
    expect(await Promise.all(later)).toEqual(["a2!", "a3!", "a4!"]);
  });

  it("groups only items of one shape, and caps a statement's items", async () => {
    const writer = recordingWriter();
    const commit = new GroupCommit(writer.write, shapeOfFirstLetter, 2);
    const all = ["a0", "a1", "b1", "a2", "b2", "a3"].map((item) => commit.add(item));
    await writer.release();
    expect(writer.statements).toEqual([["a0"], ["a1", "a2"], ["a3"], ["b1", "b2"]]);
    await writer.release();
    expect(await Promise.all(all)).toEqual(["a0!", "a1!", "b1!", "a2!", "b2!", "a3!"]);
  });

  it("writes each item of a failed group alone, so only the faulty one fails", async () => {
    const writer = recordingWriter((item) => item === "a2");
    const commit = new GroupCommit(writer.write, shapeOfFirstLetter);
    const first = commit.add("a0");
    const group = ["a1", "a2", "a3"].map((item) => commit.add(item).catch((error: Error) => error.message));
    await writer.release();
    await writer.release();
    await writer.release();
    expect(await first).toBe("a0!");
    expect(await Promise.all(group)).toEqual(["a1!", "a2 failed", "a3!"]);
    expect(writer.statements).toEqual([["a0"], ["a1", "a2", "a3"], ["a1"], ["a2"], ["a3"]]);
  });
});
