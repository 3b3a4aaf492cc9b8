import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/**
 * Embedded PostgreSQL (PGlite) for when DATABASE_URL is unset. PGlite is one session inside this
 * process; pglite-socket serves it over the PostgreSQL wire protocol so the app, the CLI and pg-boss
 * all use the same `pg` driver. The first process to open the data directory serves it and records
 * its address in `.data/embedded.json`; others (e.g. the CLI while the server runs) connect to it.
 */
export const EMBEDDED_MAX_CONNECTIONS = 40;

type Served = { url: string; close: () => Promise<void> };

function dataDir() {
  return path.resolve(/*turbopackIgnore: true*/ process.env.SLUICE_DATA_DIR ?? path.join(process.cwd(), ".data"));
}

function addressFile() {
  return path.join(dataDir(), "embedded.json");
}

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.setTimeout(500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

/** A port on loopback that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

/** Serves a PGlite database (`directory` or in memory) on loopback. */
export async function serveEmbedded(directory?: string, port?: number): Promise<Served> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-socket"),
  ]);
  const db = directory ? await PGlite.create(directory) : await PGlite.create();
  const listenPort = port ?? (await freePort());
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: listenPort, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${listenPort}/postgres?sslmode=disable`,
    close: async () => {
      await server.stop();
      await db.close();
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
  mkdirSync(dataDir(), { recursive: true });
  const port = process.env.SLUICE_EMBEDDED_DB_PORT ? Number(process.env.SLUICE_EMBEDDED_DB_PORT) : undefined;
  served = await serveEmbedded(path.join(dataDir(), "pglite"), port);
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
