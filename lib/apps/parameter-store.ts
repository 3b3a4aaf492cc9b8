import { DeleteParameterCommand, DeleteParametersCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { isNotFound } from "./aws-errors";

/** Writes (or overwrites) a parameter as a SecureString, encrypted with the account's default key for SSM. */
export async function putSecureParameter(ssm: SSMClient, input: { name: string; value: string; description: string }) {
  await ssm.send(new PutParameterCommand({ Name: input.name, Value: input.value, Description: input.description, Type: "SecureString", Overwrite: true }));
}

export async function deleteParameter(ssm: SSMClient, name: string) {
  try {
    await ssm.send(new DeleteParameterCommand({ Name: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** SSM deletes at most ten names per call; names that are not there are reported, not refused. */
const BATCH = 10;

export async function deleteParameters(ssm: SSMClient, names: string[]) {
  for (let i = 0; i < names.length; i += BATCH) await ssm.send(new DeleteParametersCommand({ Names: names.slice(i, i + BATCH) }));
}
