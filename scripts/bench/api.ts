/**
 * `npm run bench:api`: requests/s and latency of an authenticated `GET /api/v1/workspaces` with 100
 * workspaces, against `next start` on loopback. Target on the 2-core machine: ≥ 1,500 req/s, p99 ≤ 50 ms.
 * The last line printed is one JSON object with the figures.
 */
import autocannon from "autocannon";
import { disconnect } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { issueClientToken } from "@/lib/auth/tokens";
import { createClient } from "@/lib/clients/service";
import { createTenant, operatorPrincipal } from "@/lib/tenants/service";
import { createWorkspace } from "@/lib/workspaces/service";
import { ensureBuild } from "../lib.mjs";
import { benchDataDir, freePort, startServer } from "./server";

const WORKSPACES = 100;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function main() {
  benchDataDir();
  ensureBuild();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  process.env.SLUICE_ISSUER = issuer;
  await applyMigrations();
  const tenant = await createTenant({ slug: `bench-${Date.now().toString(36)}` });
  const operator = operatorPrincipal(tenant);
  for (let i = 0; i < WORKSPACES; i++) {
    await createWorkspace(operator, { name: `workspace-${String(i).padStart(3, "0")}`, description: `Benchmark workspace ${i}`, accessRules: [["team-" + (i % 7)]] });
  }
  const { client, clientSecret } = await createClient(operator, { name: "bench", scopes: ["workspaces:read"], roles: ["team-1", "team-2"] });
  const { access_token } = await issueClientToken({ grant_type: "client_credentials", client_id: client.clientId, client_secret: clientSecret });
  // The server opens the database itself; an embedded one must not stay in this process, where the load generator runs.
  await disconnect();

  const server = await startServer(port);
  try {
    const target = { url: `${server.url}/api/v1/workspaces`, headers: { authorization: `Bearer ${access_token}` } };
    const check = await fetch(target.url, { headers: target.headers });
    const body = (await check.json()) as { items: unknown[]; nextCursor: string | null };
    if (!check.ok || body.items.length !== 50 || !body.nextCursor) throw new Error(`unexpected response ${check.status} with ${body.items?.length} items`);
    await autocannon({ ...target, connections: CONNECTIONS, duration: 3 });
    const result = await autocannon({ ...target, connections: CONNECTIONS, duration: DURATION_S });
    const figures = { rps: Math.round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99 };
    console.log(`GET /api/v1/workspaces (first page of 50 of ${WORKSPACES} workspaces, ${CONNECTIONS} connections, ${DURATION_S} s, ${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"})`);
    console.log(`requests/s ${figures.rps}  p50 ${figures.p50_ms} ms  p99 ${figures.p99_ms} ms  errors ${result.errors}  non-2xx ${result.non2xx}`);
    console.log(JSON.stringify(figures));
  } finally {
    server.stop();
  }
}

await main();
