import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedClient } from "./client";
import { embeddedDatabaseUrl, serveEmbedded, stopEmbedded } from "./embedded";

/** The inodes of the TCP sockets this process listens on (Linux: /proc). */
function listeningTcpSockets(): Set<string> {
  const own = new Set(
    readdirSync("/proc/self/fd")
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode) => inode !== undefined),
  );
  const listening = ["/proc/self/net/tcp", "/proc/self/net/tcp6"].flatMap((table) =>
    readFileSync(table, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((columns) => columns[3] === "0A")
      .map((columns) => columns[9]),
  );
  return new Set(listening.filter((inode) => own.has(inode)));
}

async function select42(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ answer: number }>("select 42 as answer")).rows[0].answer;
  } finally {
    await client.end();
  }
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe.runIf(process.platform === "linux")("embedded database server", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("lets every connection prepare the same named statement, though they share one session", async () => {
    const served = await serveEmbedded();
    cleanup.push(() => served.close());
    const connected = async (Client: typeof pg.Client) => {
      const client = new Client({ connectionString: served.url });
      await client.connect();
      cleanup.push(() => client.end());
      return client;
    };
    const named = (client: pg.Client, n: number) => client.query<{ n: number }>({ name: "sluice_same", text: "select $1::int as n", values: [n] });
    const clients = await Promise.all([connected(EmbeddedClient), connected(EmbeddedClient), connected(EmbeddedClient)]);
    for (let round = 0; round < 3; round++) {
      expect((await Promise.all(clients.map((client, i) => named(client, round * 10 + i)))).map((result) => result.rows[0].n)).toEqual([0, 1, 2].map((i) => round * 10 + i));
    }
    // plain connections collide: the name one prepared exists already for the other
    const [first, second] = await Promise.all([connected(pg.Client), connected(pg.Client)]);
    await named(first, 1);
    await expect(named(second, 2)).rejects.toMatchObject({ code: "42P05" });
  });

  it("listens on a Unix socket in a private directory and opens no TCP port", async () => {
    const before = listeningTcpSockets();
    const served = await serveEmbedded();
    cleanup.push(() => served.close());
    expect(listeningTcpSockets()).toEqual(before);

    const url = new URL(served.url);
    const socketDir = url.searchParams.get("host")!;
    expect(path.isAbsolute(socketDir)).toBe(true);
    expect(mode(socketDir)).toBe(0o700);
    expect(statSync(path.join(socketDir, ".s.PGSQL.5432")).isSocket()).toBe(true);
    expect(await select42(served.url)).toBe(42);

    await cleanup.pop()!();
    expect(existsSync(socketDir)).toBe(false);
  });

  it("serves a data directory once, recorded for other processes, and finds it again", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "sluice-embedded-"));
    const previous = process.env.SLUICE_DATA_DIR;
    process.env.SLUICE_DATA_DIR = dataDir;
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanup.push(() => (process.env.SLUICE_DATA_DIR = previous));
    cleanup.push(() => stopEmbedded());

    const url = await embeddedDatabaseUrl();
    expect(new URL(url).searchParams.get("host")).toBe(path.join(dataDir, "run"));
    expect(mode(path.join(dataDir, "run"))).toBe(0o700);
    expect(JSON.parse(readFileSync(path.join(dataDir, "embedded.json"), "utf8"))).toEqual({ url, pid: process.pid });
    expect(await select42(url)).toBe(42);
    expect(await embeddedDatabaseUrl()).toBe(url);

    await stopEmbedded();
    expect(existsSync(path.join(dataDir, "embedded.json"))).toBe(false);
    expect(existsSync(path.join(dataDir, "run", ".s.PGSQL.5432"))).toBe(false);
  }, 60_000);
});
