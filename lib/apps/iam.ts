import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { PermanentTaskError } from "@/lib/tasks/registry";
import { isNotFound } from "./aws-errors";

/** Every role Sluice makes lives under this IAM path, so Sluice's own permissions can be limited to it. */
export const ROLE_PATH = "/sluice/";
/** The tag that says which Sluice object a role belongs to (`app:<id>`, `user:<id>`). */
export const OWNER_TAG = "sluice:owner";

function arnOf(role: { Arn?: string } | undefined, name: string): string {
  if (!role?.Arn) throw new Error(`IAM answered without the ARN of role ${name}.`);
  return role.Arn;
}

export type RoleSpec = { name: string; description: string; trustPolicy: object; tags: Record<string, string> };

/**
 * Creates the role, or, when a role of that name exists already and carries this owner's tag (an
 * earlier attempt whose answer was lost), brings its trust policy and tags up to date. A role of that
 * name that is not this owner's is left alone and the task fails.
 */
export async function ensureRole(iam: IAMClient, spec: RoleSpec): Promise<string> {
  const Tags = Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value }));
  const trust = JSON.stringify(spec.trustPolicy);
  try {
    const created = await iam.send(new CreateRoleCommand({ RoleName: spec.name, Path: ROLE_PATH, AssumeRolePolicyDocument: trust, Description: spec.description, Tags }));
    return arnOf(created.Role, spec.name);
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
  }
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: spec.name }));
  const owner = Role?.Tags?.find((tag) => tag.Key === OWNER_TAG)?.Value;
  if (owner !== spec.tags[OWNER_TAG]) {
    throw new PermanentTaskError(`An IAM role named ${spec.name} exists and is not ${spec.tags[OWNER_TAG]}'s (its ${OWNER_TAG} tag is ${owner ?? "missing"}); Sluice leaves it alone.`);
  }
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: spec.name, PolicyDocument: trust }));
  await iam.send(new TagRoleCommand({ RoleName: spec.name, Tags }));
  return arnOf(Role, spec.name);
}

export async function putRolePolicy(iam: IAMClient, role: string, policyName: string, document: object) {
  await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
}

/** Removes an inline policy; one that is not there (or a role that is not) is already removed. */
export async function deleteRolePolicy(iam: IAMClient, role: string, policyName: string) {
  try {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function inlinePolicies(iam: IAMClient, role: string): Promise<string[]> {
  const names: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: role, Marker }));
    names.push(...(page.PolicyNames ?? []));
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return names;
}

async function attachedPolicies(iam: IAMClient, role: string): Promise<string[]> {
  const arns: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role, Marker }));
    arns.push(...(page.AttachedPolicies ?? []).flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])));
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return arns;
}

/** Deletes the role after its inline policies and attachments (IAM refuses otherwise); a role that is gone is deleted. */
export async function deleteRole(iam: IAMClient, role: string) {
  try {
    for (const name of await inlinePolicies(iam, role)) await deleteRolePolicy(iam, role, name);
    for (const arn of await attachedPolicies(iam, role)) await iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: arn }));
    await iam.send(new DeleteRoleCommand({ RoleName: role }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
