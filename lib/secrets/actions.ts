"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import { parseInput } from "@/lib/validation";
import { mayWriteSecrets } from "./owner";
import { secretOwner, type createSecretInput, type describeSecretInput, type putSecretInput, type secretRefInput } from "./schema";
import * as secrets from "./service";

/** The Secrets pages' server actions (a workspace's, an app's): the same service functions as the REST API. Nothing here returns a value. */
/** The owner's secrets, and whether the caller may change them. */
export const listSecretsAction = serverAction(async (principal, input: z.input<typeof secretOwner>) => ({
  ...(await secrets.listSecrets(principal, input)),
  mayWrite: await mayWriteSecrets(principal, parseInput(secretOwner, input)),
}));
export const createSecretAction = serverAction((principal, input: z.input<typeof createSecretInput>) => secrets.createSecret(principal, input));
export const replaceSecretAction = serverAction(async (principal, input: z.input<typeof putSecretInput>) => (await secrets.putSecret(principal, input)).secret);
export const describeSecretAction = serverAction((principal, input: z.input<typeof describeSecretInput>) => secrets.describeSecret(principal, input));
export const deleteSecretAction = serverAction((principal, input: z.input<typeof secretRefInput>) => secrets.deleteSecret(principal, input));
export const secretHistoryAction = serverAction((principal, input: z.input<typeof secretRefInput>) => secrets.getSecret(principal, input));
