/**
 * `npm run bench:sas`: SAS issuances per second through the API (`POST /api/v1/storage/sas/upload` of
 * Sluice's production server on loopback, a machine client with supplier rights) with the token cache
 * on and off (SLUICE_SAS_CACHE=off), beside a floor measured in the same run: signing the same SAS
 * (same account, container and permissions) in a bare loop in this process. Each issuance through the
 * API also reads the organization and space, decides access and writes its audit entry; the cache
 * saves only the signing. The storage account is Azurite's (signing never calls it).
 * The last line printed is one JSON object with the figures.
 */
import os from "node:os";
import autocannon from "autocannon";
import { disconnect } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { issueClientToken } from "@/lib/auth/tokens";
import { createClient } from "@/lib/clients/service";
import { signContainerSas } from "@/lib/storage/account";
import { createOrganization } from "@/lib/storage/organizations";
import { createSpace } from "@/lib/storage/spaces";
import { startAzurite } from "@/lib/storage/testing/azurite.mjs";
import { createTenant, operatorPrincipal } from "@/lib/tenants/service";
import { createWorkspace } from "@/lib/workspaces/service";
import { ensureBuild } from "../lib.mjs";
import { benchDataDir, freePort, startServer } from "../bench-lib/server";

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WORKERS = Number(process.env.SLUICE_WORKERS) || Math.min(os.availableParallelism(), 4);

async function measure(url: string, token: string) {
  const target = { url, method: "POST" as const, headers: { authorization: `Bearer ${token}` } };
  const check = await fetch(url, target);
  const body = (await check.json()) as { kind?: string; url?: string };
  if (!check.ok || body.kind !== "upload" || !body.url) throw new Error(`${url} answered ${check.status}: ${JSON.stringify(body)}`);
  await autocannon({ ...target, connections: CONNECTIONS, duration: 3 });
  const result = await autocannon({ ...target, connections: CONNECTIONS, duration: DURATION_S });
  return { rps: Math.round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

/** Signatures per second of the same container SAS, one after another in this process. */
function signingFloor(account: Parameters<typeof signContainerSas>[0]) {
  const expiresOn = new Date(Date.now() + 3_600_000);
  const until = performance.now() + DURATION_S * 1000;
  let signed = 0;
  const started = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) signContainerSas(account, "loadingzone", "racwl", expiresOn);
    signed += 100;
  }
  return Math.round(signed / ((performance.now() - started) / 1000));
}

const describe = (name: string, m: Awaited<ReturnType<typeof measure>>) => `${name} issuances/s ${m.rps}  p50 ${m.p50_ms} ms  p99 ${m.p99_ms} ms  errors ${m.errors}  non-2xx ${m.non2xx}`;

async function main() {
  benchDataDir();
  ensureBuild();
  const azurite = await startAzurite();
  const endpoints = `${azurite.origin}/{account}`;
  process.env.SLUICE_STORAGE_BLOB_ENDPOINTS = endpoints;
  const port = await freePort();
  process.env.SLUICE_ISSUER = `http://127.0.0.1:${port}`;
  const account = { accountName: azurite.accounts[0], accountKey: azurite.key, blobEndpoint: azurite.endpoint(azurite.accounts[0]) };
  try {
    await applyMigrations();
    const tenant = await createTenant({ slug: `bench-${Date.now().toString(36)}` });
    const operator = operatorPrincipal(tenant);
    const ws = await createWorkspace(operator, { name: "bench" });
    await createOrganization(operator, { name: "bench-org", confidentiality: "internal", connection: account });
    await createSpace(operator, { org: "bench-org", name: "bench-space", confidentiality: "private", workspaceId: ws.id });
    const { client, clientSecret } = await createClient(operator, { name: "bench", scopes: ["storage:write"], roles: ["org_bench-org_access", "spc_bench-space_supplier"] });
    const { access_token } = await issueClientToken({ grant_type: "client_credentials", client_id: client.clientId, client_secret: clientSecret });
    // The server opens the database itself; an embedded one must not stay in this process, where the load generator runs.
    await disconnect();

    const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
    const run = async (cache: "on" | "off") => {
      const server = await startServer(port, { SLUICE_WORKERS: String(WORKERS), SLUICE_STORAGE_BLOB_ENDPOINTS: endpoints, SLUICE_SAS_CACHE: cache });
      try {
        return await measure(`${server.url}/api/v1/storage/sas/upload?organization=bench-org&space=bench-space`, access_token);
      } finally {
        const exited = new Promise((resolve) => server.child.once("exit", resolve));
        server.stop();
        await exited;
      }
    };
    const cached = await run("on");
    const uncached = await run("off");
    const floor = signingFloor(account);
    const ratio = (n: number) => Math.round((n / floor) * 1000) / 1000;
    console.log(
      `POST /api/v1/storage/sas/upload (${CONNECTIONS} connections, ${DURATION_S} s, ${WORKERS} workers, ${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"}, load average ${load} before)`,
    );
    console.log(describe("cache on ", cached));
    console.log(describe("cache off", uncached));
    console.log(`floor: ${floor} signatures/s of the same SAS in a bare loop (one process)`);
    console.log(JSON.stringify({ cached_rps: cached.rps, uncached_rps: uncached.rps, floor_signs_per_s: floor, cached_ratio: ratio(cached.rps), uncached_ratio: ratio(uncached.rps), cached_p99_ms: cached.p99_ms, uncached_p99_ms: uncached.p99_ms }));
  } finally {
    await azurite.stop();
  }
}

await main();
