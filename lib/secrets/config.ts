import { awsRolesMapProblems } from "@/lib/cloud/aws/roles-map";
import { awsSecretsPrefix, recoveryWindowDays } from "./aws-store";
import { configuredStoreKind } from "./store";

/** The secret store's settings, checked at start (lib/config/check.ts). */
export function secretStoreConfigurationProblems(): string[] {
  const problems = [...awsRolesMapProblems()];
  for (const check of [configuredStoreKind, awsSecretsPrefix, recoveryWindowDays]) {
    try {
      check();
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return [...new Set(problems)];
}
