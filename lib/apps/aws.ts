import type { AwsRoleTarget } from "@/lib/cloud/aws/roles-map";
import { awsClient } from "@/lib/cloud/aws/clients";
import { taskFailure } from "./aws-errors";

/**
 * The roles map targets of cloud access. Bucket policies are inline policies on the app's or user's
 * role, so they are written in the role's account, through AWSROLE (as the seed's AWSRole does);
 * AWSPOLICY is for managed policies, which Sluice does not make.
 */
export const AWS_TARGETS = {
  appRole: { category: "APP", service: "AWSROLE" },
  userRole: { category: "USER", service: "AWSROLE" },
  appParameters: { category: "APP", service: "AWSPARAMETERSTORE" },
} as const satisfies Record<string, AwsRoleTarget>;

type Client = { destroy(): void };

/** Runs `use` with a client for `target` and classifies what fails for the task (see taskFailure). */
export async function withAws<C extends new (config: never) => Client, T>(Client: C, target: AwsRoleTarget, use: (client: InstanceType<C>) => Promise<T>): Promise<T> {
  let client: InstanceType<C> | undefined;
  try {
    const made = awsClient(Client, target);
    client = made;
    return await use(made);
  } catch (error) {
    throw taskFailure(error);
  } finally {
    client?.destroy();
  }
}
