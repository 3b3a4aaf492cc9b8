/**
 * Batches of statements that arrive together: an item that arrives while one of its shape is in
 * flight waits for it, then goes with the others that waited, as one statement — one round trip
 * (and, for writes, one commit: group commit) for the group instead of one each. An item that finds
 * nothing of its shape in flight goes at once, so a lone caller waits no longer than before; under
 * load the groups grow by themselves. Each caller gets its own result, from a statement sent after
 * it arrived.
 *
 * Only items of one shape (`shapeOf`) go together: those one statement can carry. When a group's
 * statement fails, each of its items goes alone, so one item's fault (a row another request just
 * deleted, say) is reported to its caller only.
 */
export class Batcher<T, R> {
  private readonly waiting = new Map<string, Pending<T, R>[]>();

  constructor(
    /** sends the items as one statement; its results in the items' order */
    private readonly send: (items: T[]) => Promise<R[]>,
    private readonly shapeOf: (item: T) => string,
    /** the most items one statement carries */
    private readonly maxGroup = 64,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const shape = this.shapeOf(item);
      const list = this.waiting.get(shape);
      if (list) return void list.push({ item, resolve, reject });
      this.waiting.set(shape, []);
      void this.flush(shape, [{ item, resolve, reject }]);
    });
  }

  /** Sends `first`, then what waited for it meanwhile, until nothing of `shape` waits. */
  private async flush(shape: string, first: Pending<T, R>[]) {
    for (let next = first; next.length > 0; next = this.waiting.get(shape)!.splice(0)) {
      await Promise.all(chunks(next, this.maxGroup).map((group) => this.sendGroup(group)));
    }
    this.waiting.delete(shape);
  }

  private async sendGroup(group: Pending<T, R>[]) {
    try {
      const results = await this.send(group.map((pending) => pending.item));
      group.forEach((pending, i) => pending.resolve(results[i]));
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      await Promise.all(group.map((pending) => this.send([pending.item]).then(([result]) => pending.resolve(result), pending.reject)));
    }
  }
}

type Pending<T, R> = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
