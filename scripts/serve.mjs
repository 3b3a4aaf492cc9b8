// Serves the production build with one Next.js worker per core (SLUICE_WORKERS overrides), behind
// Node's cluster module: a single `next start` process tops out at one core (see `npm run bench:api`).
// Token-authenticated /api/v1 calls are answered by lib/http/node-router.ts before Next's routing.
// Without DATABASE_URL the primary process serves the embedded database, so the workers (and the
// CLI) share it over its socket. A worker that crashes is restarted with backoff; the server stops
// only when every worker fails at its first start. One more process runs the local engine's worker
// (SLUICE_ENGINE_WORKER=0 leaves that to `sluice worker` processes); web processes wake it through
// the primary when they queue work.
import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { register } from "tsx/esm/api";
import { root } from "./lib.mjs";

const port = Number(process.env.PORT || 3000);
const host = process.env.HOSTNAME || undefined;
register({ tsconfig: path.join(root, "tsconfig.json") });

const RESTART_DELAY_MS = { first: 500, max: 30_000 };
/** A worker that ran this long is healthy again: its next crash restarts it without delay. */
const STABLE_AFTER_MS = 60_000;

async function primary() {
  const { configurationProblems } = await import("../lib/config/check.ts");
  const problems = configurationProblems();
  if (problems.length > 0) {
    for (const problem of problems) console.error(`Sluice cannot start: ${problem}`);
    process.exit(1);
  }
  let stopDatabase = async () => {};
  if (!process.env.DATABASE_URL) {
    const { embeddedDatabaseUrl, stopEmbedded } = await import("../db/embedded.ts");
    process.env.DATABASE_URL = await embeddedDatabaseUrl();
    stopDatabase = stopEmbedded;
  }
  const count = Number(process.env.SLUICE_WORKERS) || Math.min(os.availableParallelism(), 4);
  let stopping = false;
  let anyListened = false;
  let firstStartFailures = 0;
  /** per worker id: when it started, whether it is one of the first, and its slot's recent crashes */
  const workers = new Map();

  const fork = (slot) => {
    const worker = cluster.fork({ SLUICE_PROCESS_ROLE: slot.role });
    workers.set(worker.id, { startedAt: Date.now(), slot });
  };
  cluster.on("message", (_from, message) => {
    if (message?.type !== "sluice:wake" && message?.type !== "sluice:cancel") return;
    for (const [id, { slot }] of workers) if (slot.role === "engine") cluster.workers?.[id]?.send(message);
  });
  // the line that says Sluice answers comes once every web worker listens: until then one crash can leave none
  const listened = new Set();
  cluster.on("listening", (worker) => {
    anyListened = true;
    if (listened.size === count || workers.get(worker.id)?.slot.role !== "web") return;
    listened.add(worker.id);
    if (listened.size === count) console.log(`Sluice listening on http://localhost:${port} (${count} workers)`);
  });
  cluster.on("exit", (worker, code, signal) => {
    const { startedAt, slot } = workers.get(worker.id);
    workers.delete(worker.id);
    if (stopping) return;
    if (!anyListened && slot.first && slot.role === "web") {
      firstStartFailures += 1;
      if (firstStartFailures === count) {
        console.error(`Sluice: every worker failed at start (last exit ${code ?? signal}); stopping.`);
        void stop(1);
        return;
      }
    }
    slot.first = false;
    slot.crashes = Date.now() - startedAt > STABLE_AFTER_MS ? 0 : slot.crashes + 1;
    const delay = slot.crashes === 0 ? 0 : Math.min(RESTART_DELAY_MS.first * 2 ** (slot.crashes - 1), RESTART_DELAY_MS.max);
    console.error(`Sluice ${slot.role === "engine" ? "engine worker" : "worker"} ${worker.process.pid} exited (${code ?? signal}); starting another in ${delay} ms.`);
    setTimeout(() => stopping || fork(slot), delay).unref();
  });
  for (let i = 0; i < count; i++) fork({ role: "web", first: true, crashes: 0 });
  if (process.env.SLUICE_ENGINE_WORKER !== "0") fork({ role: "engine", first: true, crashes: 0 });

  const stop = async (exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    const exited = Object.values(cluster.workers ?? {}).map((worker) => new Promise((resolve) => (worker.once("exit", resolve), worker.kill("SIGTERM"))));
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 12_000))]);
    await stopDatabase();
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

async function worker() {
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, port, hostname: host ?? "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const { apiFirst } = await import("../lib/http/node-router.ts");
  const { answerClientError } = await import("../lib/http/client-error.ts");
  const server = http
    .createServer(apiFirst(`http://${host ?? "localhost"}:${port}`, handle))
    .on("clientError", answerClientError)
    // Next's own uncaughtException handler would log a failed listen and keep a worker that serves nothing
    .on("error", (error) => {
      console.error(`Sluice worker ${process.pid} cannot listen on port ${port}: ${error.message}`);
      process.exit(1);
    })
    .listen(port, host);
  process.on("SIGTERM", () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  });
}

async function engine() {
  const { runWorkerUntilStopped } = await import("../lib/engine/local/run-worker.ts");
  const { withArgoController } = await import("../lib/engine/argo/controller.ts");
  await withArgoController(() => runWorkerUntilStopped());
  process.exit(0);
}

await (cluster.isPrimary ? primary() : process.env.SLUICE_PROCESS_ROLE === "engine" ? engine() : worker());
