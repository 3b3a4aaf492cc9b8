import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { FloorConfig } from "../bench/floor-server";

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

/** Benchmarks run on DATABASE_URL when set, else on a fresh embedded database in a temp dir. */
export function benchDataDir() {
  if (!process.env.DATABASE_URL) process.env.SLUICE_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "sluice-bench-"));
  return process.env.SLUICE_DATA_DIR;
}

/** Starts the production server (scripts/serve.mjs, as `npm start` does) on a free port; resolves when it answers. */
export async function startServer(port?: number, env: Record<string, string> = {}): Promise<{ url: string; stop: () => void; child: ChildProcess }> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join("scripts", "serve.mjs")], {
    env: { ...process.env, PORT: String(port), NODE_ENV: "production", NEXTAUTH_URL: url, SLUICE_ISSUER: url, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not become ready in 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, stop: () => child.kill("SIGTERM") };
}

/** Starts the bare floor server (floor-server.ts) on a free port; resolves when all its workers listen. */
export async function startFloor(config: Omit<FloorConfig, "port">): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "bench", "floor-server.ts")], {
    env: { ...process.env, NODE_ENV: "production", FLOOR_CONFIG: JSON.stringify({ ...config, port }) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the floor server did not start in 30 s")), 30_000);
    child.once("message", () => (clearTimeout(timer), resolve()));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`the floor server exited (${code})`))));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}
