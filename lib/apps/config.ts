import type { Environment } from "@/lib/data-dir";
import { sluiceEnv } from "./cloud-names";
import { trustedPrincipals } from "./iam-documents";

/** What is wrong with the settings of apps' cloud access, one line each (for start-up checks). */
export function cloudAccessConfigurationProblems(env: Environment = process.env): string[] {
  const checks = [() => sluiceEnv(env), ...(env.SLUICE_AWS_ROLE_TRUST?.trim() ? [() => trustedPrincipals(env)] : [])];
  return checks.flatMap((check) => {
    try {
      check();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}
