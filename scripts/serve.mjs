// Serves the production build with one Next.js worker per core (SLUICE_WORKERS overrides), behind
// Node's cluster module: a single `next start` process tops out at one core (see `npm run bench:api`).
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
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    if (stopping) return;
    console.error(`Sluice worker ${worker.process.pid} exited (${code}); starting another.`);
    cluster.fork();
  });
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const exited = Object.values(cluster.workers ?? {}).map((worker) => new Promise((resolve) => (worker.once("exit", resolve), worker.kill("SIGTERM"))));
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 5000))]);
    await stopDatabase();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`Sluice listening on http://localhost:${port} (${workers} workers)`);
} else {
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, port, hostname: host ?? "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  http.createServer((req, res) => handle(req, res)).listen(port, host);
}
