// The web server of the end-to-end suite (started by playwright.config.ts; usable alone too):
//  1. a real OpenID Connect provider on loopback (e2e/oidc/provider.mjs),
//  2. a FRESH database: a new database on TEST_DATABASE_URL's server (E2E_DATABASE_URL), or a new
//     embedded one; either way a temporary SLUICE_DATA_DIR (E2E_DATA_DIR) for the master key file,
//  3. a stand-in for AWS IAM and SSM on loopback (e2e/aws/fake-aws.mjs), so that apps' cloud tasks run without an AWS account,
//  4. `sluice seed` with a known admin password, then the production server (scripts/serve.mjs) wired to the provider and the stand-in.
// Beside them Azurite (the Azure Storage emulator) on loopback, port E2E_AZURITE_PORT (default E2E_PORT + 20), whose
// endpoints storage organizations may use (SLUICE_STORAGE_BLOB_ENDPOINTS; e2e/storage.spec.ts); it stops with them.
// On SIGTERM/SIGINT it stops Sluice and the provider and removes the database.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { OIDC_CLIENT } from "../e2e/oidc/accounts.mjs";
import { startOidcProvider } from "../e2e/oidc/provider.mjs";
import { startFakeAws } from "../e2e/aws/fake-aws.mjs";
import { startAzurite } from "../lib/storage/testing/azurite.mjs";
import { ensureBuild, root } from "./lib.mjs";

const env = process.env;
const runId = env.E2E_RUN_ID || `${Date.now().toString(36)}${process.pid.toString(36)}`;
const port = Number(env.E2E_PORT || 3210);
const oidcPort = Number(env.E2E_OIDC_PORT || 3211);
const awsPort = Number(env.E2E_AWS_PORT || oidcPort + 1);
const baseURL = `http://localhost:${port}`;
const log = (message) => console.log(`[e2e-server] ${message}`);

let databaseUrl = env.E2E_DATABASE_URL;
if (!databaseUrl && env.TEST_DATABASE_URL) {
  const url = new URL(env.TEST_DATABASE_URL);
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1)) || "sluice"}_e2e_${runId}`;
  databaseUrl = url.toString();
}
const dataDir = env.E2E_DATA_DIR || path.join(os.tmpdir(), `sluice-e2e-${runId}`);

/** Runs `fn` on a maintenance connection to the server that holds the e2e database. */
async function onServer(fn) {
  let url = env.TEST_DATABASE_URL;
  if (!url) {
    const u = new URL(databaseUrl);
    u.pathname = "/postgres";
    url = u.toString();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const dbName = databaseUrl ? decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) : undefined;
const quoted = dbName && `"${dbName.replace(/"/g, '""')}"`;

async function createDatabase() {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (databaseUrl) {
    await onServer((c) => c.query(`CREATE DATABASE ${quoted}`));
    log(`fresh database ${dbName}, data directory ${dataDir}`);
  } else {
    log(`fresh embedded database in ${dataDir}`);
  }
}

async function dropDatabase() {
  if (databaseUrl) {
    await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`)).catch((e) => log(`could not drop ${dbName}: ${e.message}`));
  }
  rmSync(dataDir, { recursive: true, force: true });
}

// Request logs stay out of the test output unless asked for (LOG_LEVEL=info).
const appEnv = { LOG_LEVEL: "warn", ...env, NODE_ENV: "production", PORT: String(port), NEXTAUTH_URL: baseURL, SLUICE_ADMIN_PASSWORD: env.E2E_ADMIN_PASSWORD || "e2e-Admin-Passw0rd" };
delete appEnv.DATABASE_URL;
appEnv.SLUICE_DATA_DIR = dataDir;
if (databaseUrl) appEnv.DATABASE_URL = databaseUrl;

let oidc;
let aws;
let azurite;
let server;
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8000))]);
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  }
  await oidc?.close().catch(() => undefined);
  await aws?.close().catch(() => undefined);
  await azurite?.stop().catch(() => undefined);
  await dropDatabase();
  log("stopped");
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => void stop(0));

try {
  ensureBuild();
  await createDatabase();
  oidc = await startOidcProvider({ port: oidcPort, redirectUris: [`${baseURL}/api/auth/callback/oidc`, `http://127.0.0.1:${port}/api/auth/callback/oidc`] });
  log(`OpenID Connect provider at ${oidc.issuer}`);
  Object.assign(appEnv, { AUTH_OIDC_ISSUER: oidc.issuer, AUTH_OIDC_CLIENT_ID: OIDC_CLIENT.clientId, AUTH_OIDC_CLIENT_SECRET: OIDC_CLIENT.clientSecret });
  azurite = await startAzurite({ port: Number(env.E2E_AZURITE_PORT || port + 20) });
  log(`Azurite at ${azurite.origin}`);
  appEnv.SLUICE_STORAGE_BLOB_ENDPOINTS = `${azurite.origin}/{account}`;
  aws = await startFakeAws({ port: awsPort });
  log(`AWS stand-in (IAM, SSM) at ${aws.url}`);
  Object.assign(appEnv, {
    AWS_ENDPOINT_URL_IAM: aws.url,
    AWS_ENDPOINT_URL_SSM: aws.url,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "e2e-fake",
    AWS_SECRET_ACCESS_KEY: "e2e-fake",
    SLUICE_ENV: "e2e",
    SLUICE_AWS_ROLE_TRUST: "000000000000",
  });

  const seed = spawnSync(process.execPath, [path.join(root, "scripts", "sluice.mjs"), "seed"], { cwd: root, env: appEnv, stdio: "inherit" });
  if (seed.status !== 0) throw new Error(`sluice seed failed (exit ${seed.status ?? seed.signal})`);

  log(`starting Sluice on ${baseURL}`);
  server = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs")], { cwd: root, env: { ...appEnv, PORT: String(port) }, stdio: "inherit" });
  server.on("exit", (code, signal) => {
    if (stopping) return;
    log(`Sluice exited unexpectedly (${code ?? signal})`);
    void stop(1);
  });
} catch (error) {
  console.error(`[e2e-server] ${error?.stack ?? error}`);
  await stop(1);
}
