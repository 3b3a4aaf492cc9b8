import { AwsRolesMapError } from "@/lib/cloud/aws/roles-map";
import { PermanentTaskError } from "@/lib/tasks/registry";
import { CloudNameConfigError } from "./cloud-names";
import { TrustConfigError } from "./iam-documents";

type ServiceError = Error & { $fault?: "client" | "server"; $metadata?: { httpStatusCode?: number } };

const THROTTLING = /throttl|TooManyRequests|RequestLimitExceeded|RateExceeded|SlowDown|TooManyUpdates/i;
const CONFIGURATION = [AwsRolesMapError, TrustConfigError, CloudNameConfigError];

/**
 * What a failed AWS call means for its task, with the provider's own error as the message:
 * throttling, AWS's own faults and network failures may pass (retried with backoff); AWS refusing
 * the request (access denied, a malformed document, a limit) and Sluice's configuration (no
 * credentials, a broken roles map) do not (the task fails at once and says why).
 */
export function taskFailure(error: unknown): Error {
  if (error instanceof PermanentTaskError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  if (CONFIGURATION.some((kind) => error instanceof kind)) return new PermanentTaskError(error.message);
  if (error.name === "CredentialsProviderError") return new PermanentTaskError(`No AWS credentials: ${error.message}`);
  const { $fault, $metadata } = error as ServiceError;
  if ($fault === undefined && $metadata === undefined) return error;
  const message = `${error.name}: ${error.message}`;
  return $fault === "client" && !THROTTLING.test(error.name) ? new PermanentTaskError(message) : new Error(message);
}

/** Whether AWS answered that the thing is not there (which is what a delete wants). */
export function isNotFound(error: unknown) {
  return error instanceof Error && /^(NoSuchEntity(Exception)?|ParameterNotFound)$/.test(error.name);
}
