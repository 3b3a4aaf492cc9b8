import type { PGlite } from "@electric-sql/pglite";

type Session = Pick<PGlite, "runExclusive" | "execProtocolRawStream" | "isInTransaction">;

type Pending = {
  handlerId: number;
  /** one message, or several of an extended sequence run together */
  message: Uint8Array;
  /** the message types it holds, in order */
  types: number[];
  onData: (data: Uint8Array) => void;
  resolve: (size: number) => void;
  reject: (error: Error) => void;
};

// Frontend messages that open or continue an extended-protocol sequence; it ends at Sync.
const EXTENDED = new Set([..."PBDECH"].map((type) => type.charCodeAt(0)));
const SYNC = "S".charCodeAt(0);
// Those that ask for no answer before the next Flush or Sync: they wait, and run with it in one call.
const DEFERRED = new Set([..."PBDEC"].map((type) => type.charCodeAt(0)));

function wireMessage(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

// What a disconnected owner left open, ended as PostgreSQL does when a client goes away: its transaction,
// even the implicit one of an executed but unsynced statement, aborted. After an error in an extended
// sequence the session skips everything up to a Sync, ROLLBACK too: hence ROLLBACK, Sync, ROLLBACK, which
// PGlite runs in order as one batch.
const RELEASE = new Uint8Array(
  Buffer.concat([wireMessage("Q", Buffer.from("ROLLBACK\0")), wireMessage("S", Buffer.alloc(0)), wireMessage("Q", Buffer.from("ROLLBACK\0"))]),
);

/**
 * A drop-in for pglite-socket's QueryQueueManager (0.2.17), which runs every connection's messages on
 * PGlite's single session. That one keeps a connection's messages together only inside a transaction,
 * so outside one two connections' Parse/Bind/Execute interleave and one binds or executes the other's
 * unnamed statement or portal (electric-sql/pglite#1046). Here the session belongs to one connection
 * from its first extended-protocol message to its Sync and for as long as it keeps a transaction
 * open; a simple Query on its own is atomic. Messages of one connection keep their order.
 *
 * Parse, Bind, Describe, Execute and Close are held until the Flush, Sync or other message that
 * follows them, and all run in one call into PGlite: a statement is one call instead of five (a
 * fifth of the time, measured), and its answers go out in one write.
 */
export class SessionQueue {
  private queue: Pending[] = [];
  private processing = false;
  private running: Pending | undefined;
  /** The connection the session belongs to, if any, and whether it is inside an extended sequence. */
  private owner: number | undefined;
  private inSequence = false;

  /** per connection, the messages held for its next Flush or Sync */
  private held = new Map<number, Uint8Array[]>();

  constructor(private readonly db: Session) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const held = this.held.get(handlerId) ?? [];
    if (DEFERRED.has(message[0])) {
      this.held.set(handlerId, [...held, message]);
      return Promise.resolve(0);
    }
    this.held.delete(handlerId);
    const batch = held.length === 0 ? message : new Uint8Array(Buffer.concat([...held, message]));
    const types = [...held, message].map((part) => part[0]);
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message: batch, types, onData, resolve, reject });
      if (!this.processing) void this.processQueue();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.held.delete(handlerId);
    const dropped = this.queue.filter((q) => q.handlerId === handlerId);
    this.queue = this.queue.filter((q) => q.handlerId !== handlerId);
    for (const pending of dropped) pending.reject(new Error("Handler disconnected"));
  }

  /** Called when a connection goes away (after clearQueueForHandler); never rejects, as its caller does not catch. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    // Its message still running may yet make it the owner.
    if (this.owner !== handlerId && this.running?.handlerId !== handlerId) return;
    await new Promise<void>((settle) => {
      this.queue.unshift({ handlerId, message: RELEASE, types: [], onData: () => undefined, resolve: () => settle(), reject: () => settle() });
      void this.processQueue();
    });
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let next = this.next(); next; next = this.next()) await this.run(next);
    } finally {
      this.processing = false;
    }
  }

  private next(): Pending | undefined {
    if (this.owner === undefined) return this.queue.shift();
    const index = this.queue.findIndex((q) => q.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async run(pending: Pending): Promise<void> {
    this.running = pending;
    let size = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(pending.message, {
          onRawData: (data) => {
            size += data.length;
            pending.onData(data);
          },
        }),
      );
      for (const type of pending.types) {
        if (EXTENDED.has(type)) this.inSequence = true;
        else if (type === SYNC) this.inSequence = false;
      }
      if (pending.message === RELEASE) this.inSequence = false;
      this.owner = this.inSequence || this.db.isInTransaction() ? pending.handlerId : undefined;
    } catch (error) {
      // A failure inside PGlite (an SQL error is a message to the client instead): the handler detaches
      // on it, and its clearTransactionIfNeeded releases the session if the handler held it.
      pending.reject(error as Error);
      return;
    } finally {
      this.running = undefined;
    }
    pending.resolve(size);
  }
}
