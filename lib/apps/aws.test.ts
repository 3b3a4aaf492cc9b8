import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DeleteParameterCommand, DeleteParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { auditEvents, secrets, secretVersions, tasks } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { grantBucket, grantToApp, revokeGrant, userCloudAccess } from "@/lib/buckets/grants";
import { bucketAccessPolicy } from "@/lib/buckets/policy-document";
import { createBucket } from "@/lib/buckets/service";
import { engineWorker } from "@/lib/engine/testing/engine";
import { createSecret } from "@/lib/secrets/service";
import { retryTask } from "@/lib/tasks/service";
import { testUser } from "@/lib/testing/fixtures";
import { appParametersPolicy } from "./iam-documents";
import { deleteParameter, putParameter } from "./parameters";
import { createApp, deleteApp, getApp } from "./service";
import { cloudFixture, taskEnded } from "./testing";

const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const sm = mockClient(SecretsManagerClient);
const sts = mockClient(STSClient);
const ACCOUNT = "123456789012";
const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: [ACCOUNT] }, Action: "sts:AssumeRole" }] };
const arnOf = (role: string) => `arn:aws:iam::${ACCOUNT}:role/sluice/${role}`;
const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((call) => call.args[0].input);
const createdRole = (input: { RoleName: string }) => ({ Role: { RoleName: input.RoleName, Path: "/sluice/", RoleId: "AROAEXAMPLE", CreateDate: new Date(), Arn: arnOf(input.RoleName) } });
const sent = (client: typeof iam | typeof ssm) => client.calls().map((call) => (call.args[0] as object).constructor.name);

let worker = engineWorker();
let f: Awaited<ReturnType<typeof cloudFixture>>;

beforeAll(async () => {
  f = await cloudFixture("aws");
  await worker.start();
});
afterAll(() => worker.stop());

beforeEach(() => {
  vi.stubEnv("SLUICE_AWS_ROLE_TRUST", ACCOUNT);
  vi.stubEnv("SLUICE_AWS_ROLES_MAP", "");
  vi.stubEnv("AWS_REGION", "eu-west-1");
  iam.reset();
  ssm.reset();
  sm.reset();
  sts.reset();
  iam.on(CreateRoleCommand).callsFake(createdRole);
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [], IsTruncated: false });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });
});
afterEach(() => vi.unstubAllEnvs());

/** An app whose role the task has created. */
async function readyApp(name = `app ${Math.random().toString(36).slice(2, 8)}`, admin: Principal = f.admin) {
  const { app, task } = await createApp(admin, { name, workspaceId: f.workspaceId });
  expect((await taskEnded(admin, task.id)).state).toBe("succeeded");
  return app;
}

describe("creating an app", () => {
  it("creates its IAM role with the trust policy and tags, lets it read its parameters, and records the ARN", async () => {
    const { app, task } = await createApp(f.admin, { name: "Sales Dashboard", workspaceId: f.workspaceId, repoUrl: "https://github.com/acme/sales" });
    const role = `dev_app_${f.tenant.slug}_sales-dashboard`;
    expect(app.iamRole).toEqual({ name: role, arn: null });
    expect(task).toMatchObject({ kind: "app.create_role", target: { type: "app", id: app.id }, state: "queued" });

    expect(await taskEnded(f.admin, task.id)).toMatchObject({ state: "succeeded", attempts: 1, progress: 100, error: null, result: { roleArn: arnOf(role) } });
    expect(sent(iam)).toEqual(["CreateRoleCommand", "PutRolePolicyCommand"]);
    expect(inputs(iam.commandCalls(CreateRoleCommand))).toEqual([
      {
        RoleName: role,
        Path: "/sluice/",
        AssumeRolePolicyDocument: JSON.stringify(TRUST),
        Description: `Sluice app sales-dashboard of tenant ${f.tenant.slug}`,
        Tags: [
          { Key: "sluice:env", Value: "dev" },
          { Key: "sluice:tenant", Value: f.tenant.slug },
          { Key: "sluice:owner", Value: `app:${app.id}` },
          { Key: "sluice:workspace", Value: f.workspaceId },
        ],
      },
    ]);
    expect(inputs(iam.commandCalls(PutRolePolicyCommand))).toEqual([
      { RoleName: role, PolicyName: "parameters", PolicyDocument: JSON.stringify(appParametersPolicy(f.tenant.slug, "sales-dashboard")) },
    ]);
    expect((await getApp(f.admin, { id: app.id })).iamRole).toEqual({ name: role, arn: arnOf(role) });
  });

  it("adopts a role of that name made for this app by an earlier attempt, bringing its trust policy and tags up to date", async () => {
    iam.on(CreateRoleCommand).rejects(new EntityAlreadyExistsException({ message: "Role with name exists.", $metadata: {} }));
    iam.on(GetRoleCommand).callsFake((input: { RoleName: string }) => ({ Role: { RoleName: input.RoleName, Arn: arnOf(input.RoleName), Tags: [{ Key: "sluice:owner", Value: `app:${appId}` }] } }));
    let appId = "";
    const { app, task } = await createApp(f.admin, { name: "Adopted", workspaceId: f.workspaceId });
    appId = app.id;
    expect(await taskEnded(f.admin, task.id)).toMatchObject({ state: "succeeded", result: { roleArn: arnOf(app.iamRole.name) } });
    expect(sent(iam)).toEqual(["CreateRoleCommand", "GetRoleCommand", "UpdateAssumeRolePolicyCommand", "TagRoleCommand", "PutRolePolicyCommand"]);
    expect(inputs(iam.commandCalls(UpdateAssumeRolePolicyCommand))).toEqual([{ RoleName: app.iamRole.name, PolicyDocument: JSON.stringify(TRUST) }]);
    expect(inputs(iam.commandCalls(TagRoleCommand))[0].Tags).toContainEqual({ Key: "sluice:owner", Value: `app:${app.id}` });
  });

  it("leaves a role of that name that is someone else's alone, and fails saying so", async () => {
    iam.on(CreateRoleCommand).rejects(new EntityAlreadyExistsException({ message: "Role with name exists.", $metadata: {} }));
    iam.on(GetRoleCommand).resolves({ Role: { RoleName: "x", Path: "/", RoleId: "AROA", CreateDate: new Date(), Arn: arnOf("x"), Tags: [] } });
    const { task } = await createApp(f.admin, { name: "Squatted", workspaceId: f.workspaceId });
    const done = await taskEnded(f.admin, task.id);
    expect(done).toMatchObject({ state: "failed", attempts: 1 });
    expect(done.error).toMatch(/exists and is not app:.*sluice:owner tag is missing.*leaves it alone/);
    expect(sent(iam)).toEqual(["CreateRoleCommand", "GetRoleCommand"]);
  });

  it("retries throttling with backoff until it passes", async () => {
    iam
      .on(CreateRoleCommand)
      .rejectsOnce(new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }))
      .callsFake(createdRole);
    const { task } = await createApp(f.admin, { name: "Throttled", workspaceId: f.workspaceId });
    const done = await taskEnded(f.admin, task.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 2, error: null });
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(2);
  });

  it("shows access denied on the task at once, and runs again when retried", async () => {
    const denied = "User: arn:aws:sts::123456789012:assumed-role/sluice/worker is not authorized to perform: iam:CreateRole";
    iam
      .on(CreateRoleCommand)
      .rejectsOnce(new IAMServiceException({ name: "AccessDenied", $fault: "client", message: denied, $metadata: { httpStatusCode: 403 } }))
      .callsFake(createdRole);
    const { app, task } = await createApp(f.admin, { name: "Denied", workspaceId: f.workspaceId });
    expect(await taskEnded(f.admin, task.id)).toMatchObject({ state: "failed", attempts: 1, error: `AccessDenied: ${denied}` });
    expect((await getApp(f.admin, { id: app.id })).iamRole.arn).toBeNull();

    expect(await retryTask(f.admin, { id: task.id })).toMatchObject({ state: "queued", attempts: 0, error: null });
    expect(await taskEnded(f.admin, task.id)).toMatchObject({ state: "succeeded", attempts: 1, error: null });
    expect((await getApp(f.admin, { id: app.id })).iamRole.arn).toBe(arnOf(app.iamRole.name));
  });

  it("fails at once without AWS configuration it needs", async () => {
    vi.stubEnv("SLUICE_AWS_ROLE_TRUST", "");
    const { task } = await createApp(f.admin, { name: "Untrusted", workspaceId: f.workspaceId });
    expect(await taskEnded(f.admin, task.id)).toMatchObject({ state: "failed", attempts: 1, error: expect.stringMatching(/^Set SLUICE_AWS_ROLE_TRUST/) });
    expect(iam.calls()).toHaveLength(0);
  });
});

describe("bucket grants", () => {
  it("write the policy of each level on the app's role, rewrite it on change and remove it on revoke", async () => {
    const app = await readyApp();
    const bucket = await createBucket(f.admin, { name: f.bucketName(), workspaceId: f.workspaceId, classification: "confidential" });
    iam.reset();
    const policyName = `bucket_${bucket.name}`;

    const granted = await grantToApp(f.admin, { appId: app.id, bucketId: bucket.id, level: "readonly", prefixes: ["raw/2024", "reports/"] });
    expect(granted.grant).toMatchObject({ level: "readonly", prefixes: ["raw/2024/", "reports/"], policyName, principal: { kind: "app", id: app.id, name: app.name } });
    expect(granted.task).toMatchObject({ kind: "grant.sync", target: { type: "app", id: app.id } });
    expect((await taskEnded(f.admin, granted.task.id)).state).toBe("succeeded");

    const changed = await grantToApp(f.admin, { appId: app.id, bucketId: bucket.id, level: "readwrite" });
    expect(changed.grant.id).toBe(granted.grant.id);
    expect((await taskEnded(f.admin, changed.task.id)).state).toBe("succeeded");

    const revoked = await revokeGrant(f.admin, { bucketId: bucket.id, grantId: granted.grant.id });
    expect((await taskEnded(f.admin, revoked.task.id)).state).toBe("succeeded");

    expect(sent(iam)).toEqual(["PutRolePolicyCommand", "PutRolePolicyCommand", "DeleteRolePolicyCommand"]);
    expect(inputs(iam.commandCalls(PutRolePolicyCommand))).toEqual([
      { RoleName: app.iamRole.name, PolicyName: policyName, PolicyDocument: JSON.stringify(bucketAccessPolicy(bucket.name, "readonly", ["raw/2024/", "reports/"])) },
      { RoleName: app.iamRole.name, PolicyName: policyName, PolicyDocument: JSON.stringify(bucketAccessPolicy(bucket.name, "readwrite")) },
    ]);
    expect(inputs(iam.commandCalls(DeleteRolePolicyCommand))).toEqual([{ RoleName: app.iamRole.name, PolicyName: policyName }]);
  });

  it("give a user their own IAM role first, then the policy on it", async () => {
    const user = await testUser(f.tenant.slug, f.operator, { email: `Ada.Lovelace-${Math.random().toString(36).slice(2, 6)}@example.test` });
    const bucket = await createBucket(f.admin, { name: f.bucketName(), workspaceId: f.workspaceId, classification: "internal" });
    const { task } = await grantBucket(f.admin, { bucketId: bucket.id, principal: { kind: "user", id: user.subject }, level: "admin" });
    expect((await taskEnded(f.admin, task.id)).state).toBe("succeeded");
    const access = await userCloudAccess(user, { userId: user.id });
    const role = access.iamRole!.name;
    expect(role).toMatch(new RegExp(`^dev_user_${f.tenant.slug}_ada-lovelace-[a-z0-9]{4}-${user.id.slice(0, 8)}$`));
    expect(access.iamRole).toEqual({ name: role, arn: arnOf(role) });
    expect(access.grants).toEqual([expect.objectContaining({ level: "admin", bucket: { id: bucket.id, name: bucket.name } })]);
    expect(sent(iam)).toEqual(["CreateRoleCommand", "PutRolePolicyCommand"]);
    expect(inputs(iam.commandCalls(CreateRoleCommand))[0]).toMatchObject({ RoleName: role, Path: "/sluice/", Tags: expect.arrayContaining([{ Key: "sluice:owner", Value: `user:${user.id}` }]) });
    expect(inputs(iam.commandCalls(PutRolePolicyCommand))).toEqual([{ RoleName: role, PolicyName: `bucket_${bucket.name}`, PolicyDocument: JSON.stringify(bucketAccessPolicy(bucket.name, "admin")) }]);
  });
});

/** Rows of every table in the database whose text holds `needle`, as "<table>: <count>". */
async function rowsHolding(needle: string) {
  const db = await database();
  const { rows: tables } = await db.execute<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)} t where t::text like ${`%${needle}%`}`);
    if (rows[0].n > 0) found.push(`${name}: ${rows[0].n}`);
  }
  return found;
}

describe("app parameters", () => {
  it("are written as SecureStrings whose value is kept in no database column once written, and deleted", async () => {
    const app = await readyApp("Params");
    const value = `s3cr3t-${Math.random().toString(36).slice(2)}`;
    const put = await putParameter(f.admin, { appId: app.id, name: "DB_PASSWORD", value, description: "the database password" });
    const path = `/dev/${f.tenant.slug}/params/DB_PASSWORD`;
    expect(put.parameter).toMatchObject({ name: "DB_PASSWORD", path, description: "the database password" });
    expect(JSON.stringify(put)).not.toContain(value);
    expect(await taskEnded(f.admin, put.task.id)).toMatchObject({ state: "succeeded", result: { parameter: path } });
    expect(inputs(ssm.commandCalls(PutParameterCommand))).toEqual([{ Name: path, Value: value, Description: "the database password", Type: "SecureString", Overwrite: true }]);
    expect(await rowsHolding(value)).toEqual([]);
    const db = await database();
    expect(await db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.targetId, app.id), sql`${tasks.payload} ? 'sealedValue'`))).toEqual([]);

    const removed = await deleteParameter(f.admin, { appId: app.id, name: "DB_PASSWORD" });
    expect((await taskEnded(f.admin, removed.task.id)).state).toBe("succeeded");
    expect(inputs(ssm.commandCalls(DeleteParameterCommand))).toEqual([{ Name: path }]);
  });

  it("are written in order: a later write of the same parameter replaces an earlier one that has not run", async () => {
    await worker.stop();
    const app = await createApp(f.admin, { name: "Ordered", workspaceId: f.workspaceId });
    const first = await putParameter(f.admin, { appId: app.app.id, name: "TOKEN", value: "first-value" });
    const second = await putParameter(f.admin, { appId: app.app.id, name: "TOKEN", value: "second-value" });
    worker = engineWorker();
    await worker.start();
    expect(await taskEnded(f.admin, second.task.id)).toMatchObject({ state: "succeeded" });
    expect(await taskEnded(f.admin, first.task.id)).toMatchObject({ state: "succeeded", result: { skipped: "a later change of this parameter replaces this one" } });
    expect(inputs(ssm.commandCalls(PutParameterCommand)).map((input) => input.Value)).toEqual(["second-value"]);
  });
});

describe("deleting an app", () => {
  it("deletes its parameters, its inline and attached policies and its role", async () => {
    const app = await readyApp("Doomed");
    const bucket = await createBucket(f.admin, { name: f.bucketName(), workspaceId: f.workspaceId, classification: "internal" });
    await taskEnded(f.admin, (await grantToApp(f.admin, { appId: app.id, bucketId: bucket.id, level: "readonly" })).task.id);
    await taskEnded(f.admin, (await putParameter(f.admin, { appId: app.id, name: "API_KEY", value: "k" })).task.id);
    iam.reset();
    ssm.reset();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ["parameters", `bucket_${bucket.name}`], IsTruncated: false });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: "extra", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/extra` }], IsTruncated: false });

    const { task } = await deleteApp(f.admin, { id: app.id });
    expect(await taskEnded(f.admin, task.id)).toMatchObject({ state: "succeeded", result: { deletedRole: app.iamRole.name } });
    const role = app.iamRole.name;
    expect(inputs(ssm.commandCalls(DeleteParametersCommand))).toEqual([{ Names: [`/dev/${f.tenant.slug}/doomed/API_KEY`] }]);
    expect(sent(iam)).toEqual(["ListRolePoliciesCommand", "DeleteRolePolicyCommand", "DeleteRolePolicyCommand", "ListAttachedRolePoliciesCommand", "DetachRolePolicyCommand", "DeleteRoleCommand"]);
    expect(inputs(iam.commandCalls(DeleteRolePolicyCommand))).toEqual([
      { RoleName: role, PolicyName: "parameters" },
      { RoleName: role, PolicyName: `bucket_${bucket.name}` },
    ]);
    expect(inputs(iam.commandCalls(DetachRolePolicyCommand))).toEqual([{ RoleName: role, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/extra` }]);
    expect(inputs(iam.commandCalls(DeleteRoleCommand))).toEqual([{ RoleName: role }]);
  });
});

describe("deleting an app's secrets", () => {
  it("erases the embedded ones in the request and the AWS ones in their own tasks, each audited", async () => {
    const app = await readyApp("Secretive");
    const owner = { workspaceId: f.workspaceId, appId: app.id };
    const secretArn = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:aws-key-AbCdEf`;
    sm.on(CreateSecretCommand).callsFake((input: { ClientRequestToken: string }) => ({ ARN: secretArn, VersionId: input.ClientRequestToken }));
    sm.on(DeleteSecretCommand).resolves({});
    const embedded = await createSecret(f.admin, { ...owner, name: "embedded-key", value: "embedded-app-value" });
    vi.stubEnv("SLUICE_SECRET_STORE", "aws");
    const inAws = await createSecret(f.admin, { ...owner, name: "aws-key", value: "aws-app-value" });
    expect((await taskEnded(f.admin, inAws.pendingTasks[0].id)).state).toBe("succeeded");

    await deleteApp(f.admin, { id: app.id });
    const db = await database();
    const rows = await db.select().from(secrets).where(eq(secrets.appId, app.id));
    expect(rows.map((row) => [row.name, row.deletedAt !== null, row.ciphertext])).toEqual(expect.arrayContaining([["embedded-key", true, ""], ["aws-key", true, ""]]));
    const versions = await db.select().from(secretVersions).where(inArray(secretVersions.secretId, rows.map((row) => row.id)));
    expect(versions.map((v) => [v.ciphertext, v.sealedPendingValue])).toEqual([
      [null, null],
      [null, null],
    ]);
    const awsId = inAws.pendingTasks[0].target.id;
    const [deletion] = await db.select().from(tasks).where(and(eq(tasks.targetId, awsId), eq(tasks.kind, "secret.delete")));
    expect(await taskEnded(f.admin, deletion.id)).toMatchObject({ state: "succeeded", result: { deleted: secretArn } });
    expect(inputs(sm.commandCalls(DeleteSecretCommand))).toEqual([{ SecretId: secretArn, RecoveryWindowInDays: 30 }]);
    expect(embedded.pendingTasks).toEqual([]);

    const audited = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "secret.delete"), inArray(auditEvents.targetId, rows.map((row) => row.id))));
    expect(audited.map((event) => (event.before as { name: string; appId: string }).appId)).toEqual([app.id, app.id]);
    const [appDeleted] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "app.delete"), eq(auditEvents.targetId, app.id)));
    expect(appDeleted.before).toMatchObject({ secrets: 2 });
  });
});

describe("the roles map", () => {
  it("decides the role assumed for each client: the app's IAM, its parameters and users' IAM", async () => {
    vi.stubEnv(
      "SLUICE_AWS_ROLES_MAP",
      JSON.stringify({ DEFAULT: "AWS_DATA_ROLE", APP: { DEFAULT: "AWS_APP_ROLE", AWSPARAMETERSTORE: "AWS_PARAM_ROLE" }, USER: { AWSBUCKET: "AWS_APP_ROLE" } }),
    );
    const roles = { AWS_DATA_ROLE: `arn:aws:iam::111111111111:role/data`, AWS_APP_ROLE: `arn:aws:iam::222222222222:role/apps`, AWS_PARAM_ROLE: `arn:aws:iam::333333333333:role/params` };
    for (const [name, arn] of Object.entries(roles)) vi.stubEnv(name, arn);
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({ Credentials: { AccessKeyId: input.RoleArn, SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(Date.now() + 3_600_000) } }));
    const assumedBy = async (call: { thisValue: unknown }) => (await (call.thisValue as IAMClient | SSMClient).config.credentials()).accessKeyId;

    const app = await readyApp("Mapped");
    const put = await putParameter(f.admin, { appId: app.id, name: "MAPPED", value: "v" });
    await taskEnded(f.admin, put.task.id);
    const user = await testUser(f.tenant.slug, f.operator);
    const bucket = await createBucket(f.admin, { name: f.bucketName(), workspaceId: f.workspaceId, classification: "internal" });
    await taskEnded(f.admin, (await grantBucket(f.admin, { bucketId: bucket.id, principal: { kind: "user", id: user.id }, level: "readonly" })).task.id);

    expect(await assumedBy(iam.commandCalls(CreateRoleCommand, { RoleName: app.iamRole.name })[0])).toBe(roles.AWS_APP_ROLE); // APP → DEFAULT
    expect(await assumedBy(ssm.commandCalls(PutParameterCommand)[0])).toBe(roles.AWS_PARAM_ROLE); // APP → AWSPARAMETERSTORE
    const userRole = (await userCloudAccess(f.admin, { userId: user.id })).iamRole!.name;
    expect(await assumedBy(iam.commandCalls(CreateRoleCommand, { RoleName: userRole })[0])).toBe(roles.AWS_DATA_ROLE); // USER has no AWSROLE nor DEFAULT → root DEFAULT
    expect(inputs(sts.commandCalls(AssumeRoleCommand)).map((input) => input.RoleArn)).toEqual(expect.arrayContaining(Object.values(roles)));
  });
});
