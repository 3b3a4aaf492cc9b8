// Serves the production build with one Next.js worker per core (SLUICE_WORKERS overrides), behind
// Node's cluster module: a single `next start` process tops out at one core (see `npm run bench:api`).
// Token-authenticated /api/v1 calls are answered by lib/http/node-router.ts before Next's routing.
// Without DATABASE_URL the primary process serves the embedded database, so the workers (and the
// CLI) share it over its socket.
import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { root } from "./lib.mjs";

const port = Number(process.env.PORT || 3000);
const host = process.env.HOSTNAME || undefined;

if (cluster.isPrimary) {
  let stopDatabase = async () => {};
  if (!process.env.DATABASE_URL) {
    const { register } = await import("tsx/esm/api");
    register({ tsconfig: path.join(root, "tsconfig.json") });
    const { embeddedDatabaseUrl, stopEmbedded } = await import("../db/embedded.ts");
    process.env.DATABASE_URL = await embeddedDatabaseUrl();
    stopDatabase = stopEmbedded;
  }
  const workers = Number(process.env.SLUICE_WORKERS) || Math.min(os.availableParallelism(), 4);
  let stopping = false;
  const startedAt = new Map();
  const fork = () => startedAt.set(cluster.fork().id, Date.now());
  for (let i = 0; i < workers; i++) fork();
  cluster.on("exit", (worker, code) => {
    if (stopping) return;
    if (Date.now() - startedAt.get(worker.id) < 15_000) {
      console.error(`Sluice worker ${worker.process.pid} failed at start (exit ${code}); stopping.`);
      void stop(1);
      return;
    }
    console.error(`Sluice worker ${worker.process.pid} exited (${code}); starting another.`);
    fork();
  });
  const stop = async (exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    const exited = Object.values(cluster.workers ?? {}).map((worker) => new Promise((resolve) => (worker.once("exit", resolve), worker.kill("SIGTERM"))));
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 5000))]);
    await stopDatabase();
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  console.log(`Sluice listening on http://localhost:${port} (${workers} workers)`);
} else {
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, port, hostname: host ?? "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: path.join(root, "tsconfig.json") });
  const { serveApi } = await import("../lib/http/node-router.ts");
  const origin = `http://${host ?? "localhost"}:${port}`;
  const server = http
    .createServer(async (req, res) => {
      if (!(await serveApi(req, res, origin))) await handle(req, res);
    })
    .listen(port, host);
  process.on("SIGTERM", () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
