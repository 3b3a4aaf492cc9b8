import { cloudAccessConfigurationProblems } from "@/lib/apps/config";
import { masterKeyProblem } from "@/lib/crypto/master-key";
import { engineConfigurationProblems } from "@/lib/engine/argo/config";
import { sandboxMode } from "@/lib/engine/local/sandbox";
import { parseTrustedProxies } from "@/lib/http/peer";
import { secretStoreConfigurationProblems } from "@/lib/secrets/config";
import { storageConfigurationProblems } from "@/lib/storage/config";

/**
 * Settings that would make Sluice unsafe or broken, found before it serves anything: the server,
 * workers and the CLI refuse to start on any of them, each explained in one line.
 */
export function configurationProblems(): string[] {
  const env = process.env;
  const problems: string[] = [];
  if (env.AUTH_JWT_ISSUER && !env.AUTH_JWT_AUDIENCE) {
    problems.push("AUTH_JWT_ISSUER is set but AUTH_JWT_AUDIENCE is not: set the audience Sluice's tokens from that issuer carry, or any token the issuer signs for another service would be accepted.");
  }
  if (env.AUTH_JWT_ISSUER && !env.AUTH_JWT_JWKS_URL) {
    problems.push("AUTH_JWT_ISSUER is set but AUTH_JWT_JWKS_URL is not: set the URL of the issuer's signing keys.");
  }
  try {
    parseTrustedProxies(env.SLUICE_TRUSTED_PROXIES ?? "");
  } catch (error) {
    problems.push((error as Error).message);
  }
  const keyProblem = masterKeyProblem();
  if (keyProblem) problems.push(keyProblem);
  try {
    sandboxMode();
  } catch (error) {
    problems.push((error as Error).message);
  }
  problems.push(...engineConfigurationProblems());
  problems.push(...cloudAccessConfigurationProblems());
  problems.push(...storageConfigurationProblems());
  problems.push(...secretStoreConfigurationProblems());
  const maxBody = env.SLUICE_MAX_BODY_BYTES;
  if (maxBody !== undefined && !(Number.isInteger(Number(maxBody)) && Number(maxBody) > 0)) {
    problems.push(`SLUICE_MAX_BODY_BYTES must be a positive whole number of bytes, not "${maxBody}".`);
  }
  return problems;
}

/** Throws one error listing every problem; for start-up code. */
export function assertConfiguration() {
  const problems = configurationProblems();
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
