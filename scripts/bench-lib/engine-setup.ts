/**
 * The fixtures of `npm run bench:engine` and engine-profile.ts, made in a child process: opening
 * the embedded database loads PGlite's WebAssembly memory into the process that opens it, and a
 * process that big forks ten times slower, which would inflate the spawn floors measured (and the
 * steps spawned) in the process that asked. The child migrates the database (DATABASE_URL, or the
 * embedded one under SLUICE_DATA_DIR) and prints the fixtures as JSON.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { database, disconnect } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { adminRole } from "@/lib/access/policy";
import { createClient } from "@/lib/clients/service";
import { createTenant, operatorPrincipal } from "@/lib/tenants/service";
import type { WorkflowSpec } from "@/lib/workflows/model";
import { createWorkflow } from "@/lib/workflows/service";
import { createWorkspace } from "@/lib/workspaces/service";
import { chainSpec, mapSpec, oneStepSpec, parallelSpec } from "./engine-workflows";

export const SEQ_STEPS = 40;
export const FAN_STEPS = 100;
export const FAIR_STEPS = 1000;

/** Tenant A runs everything but the one run of tenant B that the fairness figure times. */
const TENANTS = {
  a: { seq40: chainSpec(SEQ_STEPS), fanout100: parallelSpec(FAN_STEPS), burst: oneStepSpec(), map1000: mapSpec(FAIR_STEPS) },
  b: { single: oneStepSpec() },
} satisfies Record<string, Record<string, WorkflowSpec>>;

export type BenchTenant = { slug: string; workspaceId: string; credentials: { clientId: string; clientSecret: string } };
export type EngineFixture = { a: BenchTenant; b: BenchTenant; synchronousCommit: string };

/** Makes the fixtures in a child process (see above); SLUICE_DATA_DIR or DATABASE_URL must be set. */
export function engineFixture(): EngineFixture {
  const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_ENGINE_SETUP: "1" }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (child.status !== 0) throw new Error(`the benchmark's setup failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as EngineFixture;
}

async function setUp(): Promise<EngineFixture> {
  await applyMigrations();
  const stamp = Date.now().toString(36);
  const tenant = async (key: keyof typeof TENANTS): Promise<BenchTenant> => {
    const slug = `bench-engine-${key}-${stamp}`;
    const operator = operatorPrincipal(await createTenant({ slug }));
    const ws = await createWorkspace(operator, { name: "engine-bench" });
    for (const [name, spec] of Object.entries(TENANTS[key])) await createWorkflow(operator, { workspaceId: ws.id, name, spec });
    const { client, clientSecret } = await createClient(operator, { name: "bench", scopes: ["runs:read", "runs:write"], roles: [adminRole()] });
    return { slug, workspaceId: ws.id, credentials: { clientId: client.clientId, clientSecret } };
  };
  const fixture = { a: await tenant("a"), b: await tenant("b") };
  const { rows } = await (await database()).execute<{ synchronous_commit: string }>(sql`show synchronous_commit`);
  await disconnect();
  return { ...fixture, synchronousCommit: rows[0].synchronous_commit };
}

if (process.env.BENCH_ENGINE_SETUP === "1") {
  console.log(JSON.stringify(await setUp()));
}
