/**
 * Group commit: writes that arrive while one of their kind is being written wait for it, then go
 * together as one statement — one round trip and one commit for the group instead of one each. A
 * write that finds nothing in flight goes at once, so a lone caller waits no longer than before;
 * under load the groups grow by themselves. Each caller still gets its own result only once its
 * rows are committed.
 *
 * Items of one group must be writable by one statement: `shapeOf` names the shape, and only items
 * of the same shape go together. When a group's statement fails, each of its items is written alone,
 * so one item's fault (a row another request just deleted, say) is reported to its caller only.
 */
export class GroupCommit<T, R> {
  private readonly waiting = new Map<string, Pending<T, R>[]>();
  private flushing = false;

  constructor(
    /** writes the items in one statement; its results in the items' order */
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly shapeOf: (item: T) => string,
    /** the most items one statement carries */
    private readonly maxGroup = 64,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const shape = this.shapeOf(item);
      const list = this.waiting.get(shape) ?? [];
      list.push({ item, resolve, reject });
      this.waiting.set(shape, list);
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    while (this.waiting.size > 0) {
      const groups = [...this.waiting.values()].flatMap((list) => chunks(list, this.maxGroup));
      this.waiting.clear();
      await Promise.all(groups.map((group) => this.writeGroup(group)));
    }
    this.flushing = false;
  }

  private async writeGroup(group: Pending<T, R>[]) {
    try {
      const results = await this.write(group.map((pending) => pending.item));
      group.forEach((pending, i) => pending.resolve(results[i]));
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      await Promise.all(group.map((pending) => this.write([pending.item]).then(([result]) => pending.resolve(result), pending.reject)));
    }
  }
}

type Pending<T, R> = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
