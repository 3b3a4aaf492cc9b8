import { describe, expect, it } from "vitest";
import { Batcher } from "./batcher";

/** A sender that records each statement's items and answers when `release` is called. */
function recordingSender(fail?: (item: string) => boolean) {
  const statements: string[][] = [];
  const open: (() => void)[] = [];
  const send = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      statements.push(items);
      open.push(() => (items.length > 1 && items.some((item) => fail?.(item)) ? reject(new Error("the group failed")) : items.length === 1 && fail?.(items[0]) ? reject(new Error(`${items[0]} failed`)) : resolve(items.map((item) => `${item}!`))));
    });
  const release = async () => {
    while (open.length > 0) open.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { statements, send, release };
}

const shapeOfFirstLetter = (item: string) => item[0];

describe("batches of statements", () => {
  it("sends a lone item at once, and those arriving meanwhile together once it is answered", async () => {
    const sender = recordingSender();
    const commit = new Batcher(sender.send, shapeOfFirstLetter);
    const first = commit.add("a1");
    expect(sender.statements).toEqual([["a1"]]);
    const later = ["a2", "a3", "a4"].map((item) => commit.add(item));
    expect(sender.statements).toHaveLength(1);
    await sender.release();
    expect(await first).toBe("a1!");
    expect(sender.statements).toEqual([["a1"], ["a2", "a3", "a4"]]);
    await sender.release();
    expect(await Promise.all(later)).toEqual(["a2!", "a3!", "a4!"]);
  });

  it("groups only items of one shape, each shape waiting only for its own, and caps a statement's items", async () => {
    const sender = recordingSender();
    const commit = new Batcher(sender.send, shapeOfFirstLetter, 2);
    const all = ["a0", "a1", "b1", "a2", "b2", "a3"].map((item) => commit.add(item));
    expect(sender.statements).toEqual([["a0"], ["b1"]]);
    await sender.release();
    expect(sender.statements).toEqual([["a0"], ["b1"], ["a1", "a2"], ["a3"], ["b2"]]);
    await sender.release();
    expect(await Promise.all(all)).toEqual(["a0!", "a1!", "b1!", "a2!", "b2!", "a3!"]);
  });

  it("sends each item of a failed group alone, so only the faulty one fails", async () => {
    const sender = recordingSender((item) => item === "a2");
    const commit = new Batcher(sender.send, shapeOfFirstLetter);
    const first = commit.add("a0");
    const group = ["a1", "a2", "a3"].map((item) => commit.add(item).catch((error: Error) => error.message));
    await sender.release();
    await sender.release();
    await sender.release();
    expect(await first).toBe("a0!");
    expect(await Promise.all(group)).toEqual(["a1!", "a2 failed", "a3!"]);
    expect(sender.statements).toEqual([["a0"], ["a1", "a2", "a3"], ["a1"], ["a2"], ["a3"]]);
  });
});
