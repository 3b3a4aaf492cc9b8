import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serveEmbedded } from "./embedded";

// Frontend wire-protocol messages, for what `pg` never sends: an extended sequence cut off before its Sync.
const cstring = (text: string) => Buffer.from(`${text}\0`);
const int16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
function frame(type: string, ...fields: Buffer[]) {
  const body = Buffer.concat(fields);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}
const startup = frame("", Buffer.from([0, 3, 0, 0]), cstring("user"), cstring("postgres"), cstring("database"), cstring("postgres"), Buffer.from([0]));
const query = (sql: string) => frame("Q", cstring(sql));
const parse = (sql: string) => frame("P", cstring(""), cstring(sql), int16(0));
const bind = frame("B", cstring(""), cstring(""), int16(0), int16(0), int16(0));
const execute = frame("E", cstring(""), Buffer.alloc(4));
const flush = frame("H");

/** A bare connection to the embedded server that records the types of the messages it receives. */
async function rawConnection(url: string) {
  const socket = net.connect({ path: path.join(new URL(url).searchParams.get("host")!, ".s.PGSQL.5432") });
  const received: string[] = [];
  let buffered = Buffer.alloc(0);
  socket.on("data", (data) => {
    buffered = Buffer.concat([buffered, data]);
    while (buffered.length >= 5 && buffered.length >= 1 + buffered.readInt32BE(1)) {
      received.push(String.fromCharCode(buffered[0]));
      buffered = buffered.subarray(1 + buffered.readInt32BE(1));
    }
  });
  const connection = {
    /** Sends `messages` and waits for a reply of type `reply` (ReadyForQuery 'Z', CommandComplete 'C', ErrorResponse 'E'). */
    async exchange(reply: string, ...messages: Buffer[]) {
      received.length = 0;
      socket.write(Buffer.concat(messages));
      await vi.waitFor(() => expect(received).toContain(reply), { timeout: 5_000 });
    },
    close: () => socket.destroy(),
  };
  await connection.exchange("Z", startup);
  return connection;
}

/** Whether `promise` is still unsettled after a while. */
async function stillWaiting(promise: Promise<unknown>) {
  return Promise.race([promise.then(() => false), sleep(200).then(() => true)]);
}

describe("embedded database under concurrent connections", () => {
  let close: () => Promise<void>;
  let url: string;
  let pool: pg.Pool;
  beforeAll(async () => {
    ({ url, close } = await serveEmbedded());
    pool = new pg.Pool({ connectionString: url, max: 8 });
    await pool.query("create table rows (worker int, n int, label text)");
  });
  afterAll(async () => {
    await pool.end();
    await close();
  });

  const count = async (label: string) =>
    (await pool.query<{ count: number }>("select count(*)::int as count from rows where label = $1", [label])).rows[0].count;

  it("answers every connection's parameterised queries with its own rows", async () => {
    // A message over 64 KiB reaches the server in several reads, between which other connections' messages arrive.
    const padding = "x".repeat(500_000);
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    try {
      await Promise.all(
        clients.map(async (client, worker) => {
          for (let n = 0; n < 200; n++) {
            const value = `${worker}:${n}:${n % 20 === 0 ? padding : ""}`;
            const { rows } = await client.query(`select left($1::text, 10) as head, length($1::text) as length, ${worker} as worker`, [value]);
            expect(rows).toEqual([{ head: value.slice(0, 10), length: value.length, worker }]);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it("keeps concurrent transactions apart", async () => {
    const workers = Array.from({ length: 8 }, (_, worker) => worker);
    await Promise.all(
      workers.map(async (worker) => {
        for (let n = 0; n < 20; n++) {
          const client = await pool.connect();
          try {
            await client.query("begin");
            await client.query("insert into rows values ($1, $2, 'tx'), ($1, $2, 'tx')", [worker, n]);
            await client.query("insert into rows values ($1, $2, 'tx')", [worker, n]);
            const own = await client.query("select count(*)::int as count from rows where worker = $1 and n = $2", [worker, n]);
            expect(own.rows).toEqual([{ count: 3 }]);
            await client.query(n % 4 === 0 ? "rollback" : "commit");
          } finally {
            client.release();
          }
        }
      }),
    );
    const { rows } = await pool.query("select worker, count(*)::int as count from rows where label = 'tx' group by worker order by worker");
    expect(rows).toEqual(workers.map((worker) => ({ worker, count: 15 * 3 })));
  });

  type Raw = Awaited<ReturnType<typeof rawConnection>>;
  it.each<{ inside: string; leave: (gone: Raw, insert: string) => Promise<void> }>([
    {
      inside: "a transaction",
      leave: async (gone, insert) => {
        await gone.exchange("Z", query("begin"));
        await gone.exchange("Z", query(insert));
      },
    },
    // An executed statement without its Sync is in an implicit transaction, which PostgreSQL aborts when its client goes away.
    { inside: "an extended sequence", leave: (gone, insert) => gone.exchange("C", parse(insert), bind, execute, flush) },
    // After an error the session skips every message up to a Sync.
    { inside: "an extended sequence that failed", leave: (gone) => gone.exchange("E", parse("selec 1"), flush) },
  ])("serves the others, and rolls back its work, when a connection goes away inside $inside", async ({ inside, leave }) => {
    const gone = await rawConnection(url);
    await leave(gone, `insert into rows (label) values ('gone inside ${inside}')`);
    const waiting = count(`gone inside ${inside}`);
    expect(await stillWaiting(waiting)).toBe(true);
    gone.close();
    expect(await waiting).toBe(0);
  });
});
