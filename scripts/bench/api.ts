/**
 * `npm run bench:api`: requests/s and latency of an authenticated `GET /api/v1/workspaces` (first page
 * of 100 workspaces) through Sluice's production server (scripts/serve.mjs) on loopback, then, in the
 * same run and with the same autocannon settings, of a bare `node:http` server doing the same work per request
 * (floor-server.ts says what it includes). Absolute figures differ by machine; Sluice's share of the
 * floor does not much. Target: ratio ≥ 0.5.
 * The last line printed is one JSON object with the figures.
 */
import os from "node:os";
import autocannon from "autocannon";
import { disconnect } from "@/db/client";
import { embeddedDatabaseUrl } from "@/db/embedded";
import { applyMigrations } from "@/db/migrate";
import { ALLOWED_ALGORITHMS, authConfig } from "@/lib/auth/config";
import { issueClientToken } from "@/lib/auth/tokens";
import { createClient } from "@/lib/clients/service";
import { createTenant, operatorPrincipal } from "@/lib/tenants/service";
import { createWorkspace } from "@/lib/workspaces/service";
import { ensureBuild } from "../lib.mjs";
import { benchDataDir, freePort, startFloor, startServer } from "../bench-lib/server";

const WORKSPACES = 100;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

// Both servers run as many processes as `npm start` would (scripts/serve.mjs's default).
const WORKERS = Number(process.env.SLUICE_WORKERS) || Math.min(os.availableParallelism(), 4);

/** Checks that the URL answers the first page, warms it up, then measures it. */
async function measure(url: string, token: string) {
  const target = { url, headers: { authorization: `Bearer ${token}` } };
  const check = await fetch(url, { headers: target.headers });
  const text = await check.text();
  const body = JSON.parse(text) as { items?: unknown[]; nextCursor?: string | null };
  if (!check.ok || body.items?.length !== 50 || !body.nextCursor) throw new Error(`${url} answered ${check.status} with ${body.items?.length} items`);
  await autocannon({ ...target, connections: CONNECTIONS, duration: 3 });
  const result = await autocannon({ ...target, connections: CONNECTIONS, duration: DURATION_S });
  return { rps: Math.round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99, errors: result.errors, non2xx: result.non2xx, bytes: Buffer.byteLength(text) };
}

const describe = (name: string, m: Awaited<ReturnType<typeof measure>>) =>
  `${name} requests/s ${m.rps}  p50 ${m.p50_ms} ms  p99 ${m.p99_ms} ms  errors ${m.errors}  non-2xx ${m.non2xx}  (${m.bytes} bytes per page)`;

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

  const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  const server = await startServer(port, { SLUICE_WORKERS: String(WORKERS) });
  let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
  try {
    const sluice = await measure(`${server.url}/api/v1/workspaces`, access_token);
    // The floor reads the same database; an embedded one is served by Sluice's server, which stays up (idle).
    floor = await startFloor({
      workers: WORKERS,
      databaseUrl: process.env.DATABASE_URL || (await embeddedDatabaseUrl()),
      jwksUrl: `${server.url}/.well-known/jwks.json`,
      issuer,
      audience: authConfig.audience(),
      algorithms: ALLOWED_ALGORITHMS,
    });
    const bare = await measure(`${floor.url}/api/v1/workspaces`, access_token);
    const ratio = Math.round((sluice.rps / bare.rps) * 100) / 100;
    console.log(
      `GET /api/v1/workspaces (first page of 50 of ${WORKSPACES} workspaces, ${CONNECTIONS} connections, ${DURATION_S} s, ${WORKERS} workers, ${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"}, load average ${load} before)`,
    );
    console.log(describe("Sluice", sluice));
    console.log(describe("floor ", bare));
    console.log(`Sluice at ${ratio} of the floor's requests/s (target ≥ 0.5)`);
    console.log(JSON.stringify({ rps: sluice.rps, p50_ms: sluice.p50_ms, p99_ms: sluice.p99_ms, floor_rps: bare.rps, ratio }));
  } finally {
    floor?.stop();
    server.stop();
  }
}

await main();
