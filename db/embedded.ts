import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { dataDir } from "../lib/data-dir";
import { SessionQueue } from "./embedded-queue";

/**
 * Embedded PostgreSQL (PGlite) for when DATABASE_URL is unset. PGlite is one session inside this
 * process; pglite-socket serves it over the PostgreSQL wire protocol so the app, the CLI and pg-boss
 * all use the same `pg` driver. It listens on a Unix socket in a directory only this user may enter
 * (`<data dir>/run/`), never on a TCP port. The first process to open the data directory serves it and
 * records its address in `<data dir>/embedded.json`; others (e.g. the CLI while the server runs) connect to it.
 */
export const EMBEDDED_MAX_CONNECTIONS = 40;

// libpq's socket file name, which `pg` derives from the port: `<host directory>/.s.PGSQL.<port>`.
const SOCKET_PORT = 5432;
const SOCKET_FILE = `.s.PGSQL.${SOCKET_PORT}`;
// sun_path holds 108 bytes on Linux, 104 on macOS, each with a terminating NUL.
const MAX_SOCKET_PATH = process.platform === "linux" ? 107 : 103;

type Served = { url: string; close: () => Promise<void> };

function addressFile() {
  return path.join(dataDir(), "embedded.json");
}

/** A `pg` connection string for the server whose socket is in `socketDir` (`host` is the directory). */
function socketUrl(socketDir: string): string {
  return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}&port=${SOCKET_PORT}&sslmode=disable`;
}

/** Whether a server answers on the Unix socket that `url` names (a URL recorded by an older version may name none). */
async function reachable(url: string): Promise<boolean> {
  const socketDir = new URL(url).searchParams.get("host");
  if (!socketDir) return false;
  return new Promise((resolve) => {
    const socket = net.connect({ path: path.join(socketDir, SOCKET_FILE) });
    socket.setTimeout(500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

function privateDirectory(directory: string) {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
}

/**
 * Serves a PGlite database (`directory`, else in memory) on a Unix socket in `socketDir`, else in a
 * fresh private temporary directory that is removed on close.
 */
export async function serveEmbedded(options: { directory?: string; socketDir?: string } = {}): Promise<Served> {
  const socketDir = options.socketDir ?? mkdtempSync(path.join(os.tmpdir(), "sluice-pg-"));
  privateDirectory(socketDir);
  const socket = path.join(socketDir, SOCKET_FILE);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new Error(`The embedded database socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; set SLUICE_DATA_DIR to a shorter path.`);
  }
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")]);
  const db = options.directory ? await PGlite.create(options.directory) : await PGlite.create();
  const server = new PGLiteSocketServer({ db, path: socket, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  try {
    // The server hands its queue to each connection as it arrives, so replacing it before start() is enough.
    const internals = server as unknown as { queryQueue?: unknown };
    if (!internals.queryQueue) throw new Error("pglite-socket no longer has the queryQueue that SessionQueue replaces");
    internals.queryQueue = new SessionQueue(db);
    await server.start();
  } catch (error) {
    await db.close();
    if (!options.socketDir) rmSync(socketDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: socketUrl(socketDir),
    close: async () => {
      await server.stop();
      await db.close();
      if (options.socketDir) rmSync(socket, { force: true });
      else rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

let served: Served | undefined;

/** The embedded database's URL, serving it from this process when no other process does. */
export async function embeddedDatabaseUrl(): Promise<string> {
  if (served) return served.url;
  try {
    const { url } = JSON.parse(readFileSync(addressFile(), "utf8")) as { url: string };
    if (await reachable(url)) return url;
  } catch {
    // no running embedded server recorded
  }
  const socketDir = path.join(dataDir(), "run");
  const url = socketUrl(socketDir);
  if (await reachable(url)) return url;
  // A socket file left by a server that did not stop cleanly: nothing answers on it.
  rmSync(path.join(socketDir, SOCKET_FILE), { force: true });
  served = await serveEmbedded({ directory: path.join(dataDir(), "pglite"), socketDir });
  writeFileSync(addressFile(), JSON.stringify({ url: served.url, pid: process.pid }));
  return served.url;
}

export async function stopEmbedded() {
  if (!served) return;
  const current = served;
  served = undefined;
  rmSync(addressFile(), { force: true });
  await current.close();
}
