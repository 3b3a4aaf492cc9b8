// The end-to-end run's settings, derived once in the Playwright runner (playwright.config.ts imports this)
// and handed through process.env to the web server (scripts/e2e-server.mjs) and the test workers.
import os from "node:os";
import path from "node:path";

const env = process.env;
env.E2E_RUN_ID ||= `${Date.now().toString(36)}${process.pid.toString(36)}`;
env.E2E_PORT ||= "3210";
env.E2E_OIDC_PORT ||= "3211";
env.E2E_AWS_PORT ||= String(Number(env.E2E_OIDC_PORT) + 1);
env.E2E_ADMIN_PASSWORD ||= "e2e-Admin-Passw0rd";

/** A fresh database per run: a new one on TEST_DATABASE_URL's server, else an embedded one; a temporary data dir (master key file) either way. */
if (env.TEST_DATABASE_URL && !env.E2E_DATABASE_URL) {
  const url = new URL(env.TEST_DATABASE_URL);
  const base = (decodeURIComponent(url.pathname.slice(1)) || "sluice").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
  url.pathname = `/${`${base}_e2e_${env.E2E_RUN_ID}`.slice(0, 63)}`;
  env.E2E_DATABASE_URL = url.toString();
}
env.E2E_DATA_DIR ||= path.join(os.tmpdir(), `sluice-e2e-${env.E2E_RUN_ID}`);

export const E2E = {
  port: Number(env.E2E_PORT),
  baseURL: `http://localhost:${env.E2E_PORT}`,
  oidcIssuer: `http://127.0.0.1:${env.E2E_OIDC_PORT}`,
  /** the AWS stand-in of scripts/e2e-server.mjs (e2e/aws/fake-aws.mjs) */
  awsURL: `http://127.0.0.1:${env.E2E_AWS_PORT}`,
  adminEmail: "admin@demo.local",
  adminPassword: env.E2E_ADMIN_PASSWORD!,
  databaseUrl: env.E2E_DATABASE_URL,
  dataDir: env.E2E_DATA_DIR,
};

/** Environment that points the CLI (scripts/sluice.mjs) at the e2e server's database. */
export function databaseEnv(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  delete out.DATABASE_URL;
  out.SLUICE_DATA_DIR = E2E.dataDir;
  if (E2E.databaseUrl) out.DATABASE_URL = E2E.databaseUrl;
  return out;
}
