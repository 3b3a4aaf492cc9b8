import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { apps, secrets, secretVersions, tasks } from "@/db/schema";
import { dropQueuedJobs, taskEnded } from "@/lib/apps/testing";
import type { Principal } from "@/lib/auth/principal";
import { awsClient } from "@/lib/cloud/aws/clients";
import { engineWorker } from "@/lib/engine/testing/engine";
import { retryTask } from "@/lib/tasks/service";
import { testTenant } from "@/lib/testing/fixtures";
import { createWorkspace } from "@/lib/workspaces/service";
import { clientRequestToken } from "./aws-store";
import { createSecret, deleteSecret, getSecret, putSecret, revealSecret, revealSecretValue } from "./service";

const sm = mockClient(SecretsManagerClient);
const sts = mockClient(STSClient);
const WORKSPACE_ROLE = "arn:aws:iam::111111111111:role/sluice-workspace-secrets";
const APP_ROLE = "arn:aws:iam::222222222222:role/sluice-app-secrets";
const arnOf = (name: string) => `arn:aws:secretsmanager:eu-west-2:111111111111:secret:${name}-AbCdEf`;
const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((call) => call.args[0].input);
const sent = () => sm.calls().map((call) => (call.args[0] as object).constructor.name);

const worker = engineWorker();
let operator: Principal;
let tenantSlug: string;
let tenantId: string;

beforeAll(async () => {
  ({ operator, tenant: { slug: tenantSlug, id: tenantId } } = await testTenant("aws"));
  await worker.start();
});
afterAll(async () => {
  await worker.stop();
  await dropQueuedJobs(tenantId);
});

beforeEach(() => {
  sm.reset();
  sts.reset();
  vi.stubEnv("SLUICE_SECRET_STORE", "aws");
  vi.stubEnv("AWS_REGION", "eu-west-2");
  vi.stubEnv("SLUICE_AWS_ROLES_MAP", "WORKSPACE:\n  AWSSECRETMANAGER: AWS_WORKSPACE_SECRETS_ROLE\nAPP:\n  DEFAULT: AWS_APP_ACCOUNT_ROLE\n");
  vi.stubEnv("AWS_WORKSPACE_SECRETS_ROLE", WORKSPACE_ROLE);
  vi.stubEnv("AWS_APP_ACCOUNT_ROLE", APP_ROLE);
  const expiration = new Date(Date.now() + 3600_000);
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({ Credentials: { AccessKeyId: keyOfRole(input.RoleArn), SecretAccessKey: "s", SessionToken: "t", Expiration: expiration } }));
  sm.on(CreateSecretCommand).callsFake((input: { Name: string; ClientRequestToken: string }) => ({ ARN: arnOf(input.Name), Name: input.Name, VersionId: input.ClientRequestToken }));
  sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string; ClientRequestToken: string }) => ({ ARN: input.SecretId.startsWith("arn:") ? input.SecretId : arnOf(input.SecretId), VersionId: input.ClientRequestToken }));
  sm.on(DeleteSecretCommand).resolves({});
});
afterEach(() => vi.unstubAllEnvs());

const newWorkspace = async () => (await createWorkspace(operator, { name: `aws-${randomBytes(4).toString("hex")}` })).id;
/**
 * The credentials of the client that made a mocked call (the mock answers before the SDK resolves
 * them): the mocked STS issues access key ids that name the assumed role's account.
 */
const accessKeyOfCall = async (call: { thisValue: unknown }) => (await (call.thisValue as SecretsManagerClient).config.credentials()).accessKeyId;
const keyOfRole = (arn: string) => `AKIA-${arn.split(":")[4]}`;
const awsError = (name: string, message: string, fault: "client" | "server" = "client") => Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: fault === "client" ? 400 : 500 } });

/** Waits for the one task a write or deletion just queued for the secret. */
async function writtenBy(meta: { pendingTasks: { id: string }[] }) {
  expect(meta.pendingTasks).toHaveLength(1);
  return taskEnded(operator, meta.pendingTasks[0].id);
}

async function storedSecret(workspaceId: string, name: string) {
  const db = await database();
  const [row] = await db.select().from(secrets).where(eq(secrets.workspaceId, workspaceId));
  const versions = await db.select().from(secretVersions).where(eq(secretVersions.secretId, row.id)).orderBy(secretVersions.version);
  expect(row.name).toBe(name);
  return { row, versions };
}

/** The task that deletes the secret in AWS (a deleted secret is shown nowhere, its tasks neither). */
async function deletionTask(secretId: string) {
  const db = await database();
  const [task] = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.targetId, secretId), eq(tasks.kind, "secret.delete")));
  return task.id;
}

/** A promise the test resolves: a mocked call waits for it, so that its task stays running meanwhile. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("the AWS Secrets Manager store", () => {
  it("writes versions and deletes in tasks, with exactly these calls, as the workspace's mapped role", async () => {
    const ws = await newWorkspace();
    const name = `sluice/${tenantSlug}/${ws}/db-password`;
    const created = await createSecret(operator, { workspaceId: ws, name: "db-password", value: "first-aws-value" });
    expect(sm.calls()).toEqual([]);
    expect(created.pendingTasks).toEqual([expect.objectContaining({ kind: "secret.write", state: "queued", target: { type: "secret", id: expect.any(String) } })]);
    const secretId = created.pendingTasks[0].target.id;
    expect(await writtenBy(created)).toMatchObject({ state: "succeeded", attempts: 1, result: { versionId: clientRequestToken(secretId, 1) } });
    expect(inputs(sm.commandCalls(CreateSecretCommand))).toEqual([
      {
        Name: name,
        SecretString: "first-aws-value",
        ClientRequestToken: clientRequestToken(secretId, 1),
        Tags: [
          { Key: "sluice:tenant", Value: tenantSlug },
          { Key: "sluice:workspace", Value: ws },
        ],
      },
    ]);
    expect(clientRequestToken(secretId, 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const { secret: second } = await putSecret(operator, { workspaceId: ws, name: "db-password", value: "second-aws-value" });
    expect((await writtenBy(second)).state).toBe("succeeded");
    expect(inputs(sm.commandCalls(PutSecretValueCommand))).toEqual([{ SecretId: arnOf(name), SecretString: "second-aws-value", ClientRequestToken: clientRequestToken(secretId, 2) }]);
    expect((await getSecret(operator, { workspaceId: ws, name: "db-password" })).pendingTasks).toEqual([]);

    const { row, versions } = await storedSecret(ws, "db-password");
    expect(row).toMatchObject({ store: "aws", externalRef: arnOf(name), ciphertext: "", version: 2 });
    expect(versions.map((v) => [v.version, v.ciphertext, v.sealedPendingValue, v.externalVersionId])).toEqual([
      [1, null, null, clientRequestToken(secretId, 1)],
      [2, null, null, clientRequestToken(secretId, 2)],
    ]);

    sm.on(GetSecretValueCommand, { SecretId: arnOf(name), VersionId: clientRequestToken(secretId, 2) }).resolves({ SecretString: "second-aws-value", VersionId: clientRequestToken(secretId, 2) });
    expect(await revealSecretValue(ws, "db-password")).toBe("second-aws-value");
    expect(inputs(sm.commandCalls(GetSecretValueCommand))).toEqual([{ SecretId: arnOf(name), VersionId: clientRequestToken(secretId, 2) }]);

    vi.stubEnv("SLUICE_AWS_SECRETS_RECOVERY_DAYS", "7");
    await deleteSecret(operator, { workspaceId: ws, name: "db-password" });
    expect(await taskEnded(operator, await deletionTask(secretId))).toMatchObject({ state: "succeeded", result: { deleted: arnOf(name) } });
    expect(inputs(sm.commandCalls(DeleteSecretCommand))).toEqual([{ SecretId: arnOf(name), RecoveryWindowInDays: 7 }]);

    expect(await accessKeyOfCall(sm.commandCalls(CreateSecretCommand)[0])).toBe(keyOfRole(WORKSPACE_ROLE));
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toContain(WORKSPACE_ROLE);
  });

  it("reads a version from its sealed copy while its write is pending, and from AWS once written", async () => {
    const ws = await newWorkspace();
    const writing = gate();
    sm.on(CreateSecretCommand).callsFake(async (input: { Name: string; ClientRequestToken: string }) => {
      await writing.opened;
      return { ARN: arnOf(input.Name), VersionId: input.ClientRequestToken };
    });
    const created = await createSecret(operator, { workspaceId: ws, name: "slow", value: "pending-aws-value" });
    const { versions } = await storedSecret(ws, "slow");
    expect(versions[0]).toMatchObject({ ciphertext: null, externalVersionId: null, sealedPendingValue: expect.stringMatching(/^s1\./) });
    expect(versions[0].sealedPendingValue).not.toContain("pending-aws-value");
    await vi.waitFor(() => expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(1));
    expect(await revealSecretValue(ws, "slow")).toBe("pending-aws-value");
    expect((await getSecret(operator, { workspaceId: ws, name: "slow" })).pendingTasks).toEqual([expect.objectContaining({ kind: "secret.write", state: "running" })]);
    expect(sm.commandCalls(GetSecretValueCommand)).toEqual([]);

    writing.open();
    expect((await writtenBy(created)).state).toBe("succeeded");
    sm.on(GetSecretValueCommand).resolves({ SecretString: "pending-aws-value" });
    expect(await revealSecretValue(ws, "slow")).toBe("pending-aws-value");
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("erases a pending version's sealed copy when the secret is deleted, and deletes in AWS after the write", async () => {
    const ws = await newWorkspace();
    const name = `sluice/${tenantSlug}/${ws}/short-lived`;
    const writing = gate();
    sm.on(CreateSecretCommand).callsFake(async (input: { Name: string; ClientRequestToken: string }) => {
      await writing.opened;
      return { ARN: arnOf(input.Name), VersionId: input.ClientRequestToken };
    });
    const created = await createSecret(operator, { workspaceId: ws, name: "short-lived", value: "short-lived-value" });
    await vi.waitFor(() => expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(1));
    await deleteSecret(operator, { workspaceId: ws, name: "short-lived" });
    const { versions } = await storedSecret(ws, "short-lived");
    expect(versions.map((v) => v.sealedPendingValue)).toEqual([null]);

    writing.open();
    expect((await writtenBy(created)).state).toBe("succeeded");
    expect((await taskEnded(operator, await deletionTask(created.pendingTasks[0].target.id))).state).toBe("succeeded");
    expect(sent()).toEqual(["CreateSecretCommand", "DeleteSecretCommand"]);
    expect(inputs(sm.commandCalls(DeleteSecretCommand))).toEqual([{ SecretId: arnOf(name), RecoveryWindowInDays: 30 }]);
  });

  it("writes an app's secrets under the app, with the app account's role and a configurable prefix", async () => {
    vi.stubEnv("SLUICE_AWS_SECRETS_PREFIX", "corp/sluice");
    const ws = await newWorkspace();
    const db = await database();
    const [app] = await db.insert(apps).values({ tenantId, workspaceId: ws, name: "web", slug: `web-${randomBytes(3).toString("hex")}`, iamRoleName: "dev_app_web", createdBy: "test" }).returning();
    expect((await writtenBy(await createSecret(operator, { workspaceId: ws, appId: app.id, name: "api-key", value: "app-aws-value" }))).state).toBe("succeeded");
    expect(sm.commandCalls(CreateSecretCommand)[0].args[0].input).toMatchObject({
      Name: `corp/sluice/${tenantSlug}/${ws}/apps/${app.id}/api-key`,
      Tags: [
        { Key: "sluice:tenant", Value: tenantSlug },
        { Key: "sluice:workspace", Value: ws },
        { Key: "sluice:app", Value: app.id },
      ],
    });
    expect(await accessKeyOfCall(sm.commandCalls(CreateSecretCommand)[0])).toBe(keyOfRole(APP_ROLE));
  });

  it("takes over a name scheduled for deletion by restoring it", async () => {
    const ws = await newWorkspace();
    const name = `sluice/${tenantSlug}/${ws}/again`;
    sm.on(CreateSecretCommand).rejects(awsError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion."));
    sm.on(RestoreSecretCommand).resolves({ ARN: arnOf(name) });
    const created = await createSecret(operator, { workspaceId: ws, name: "again", value: "restored-value" });
    expect((await writtenBy(created)).state).toBe("succeeded");
    expect(inputs(sm.commandCalls(RestoreSecretCommand))).toEqual([{ SecretId: name }]);
    expect(inputs(sm.commandCalls(PutSecretValueCommand))).toEqual([{ SecretId: name, SecretString: "restored-value", ClientRequestToken: clientRequestToken(created.pendingTasks[0].target.id, 1) }]);
  });

  it("makes no second AWS version when a write is tried again after its answer was lost", async () => {
    const ws = await newWorkspace();
    const stored = new Map<string, string>();
    sm.on(CreateSecretCommand)
      .callsFakeOnce((input: { ClientRequestToken: string; SecretString: string }) => {
        stored.set(input.ClientRequestToken, input.SecretString);
        throw awsError("InternalServiceError", "the connection was reset", "server");
      })
      .rejects(awsError("ResourceExistsException", "The operation failed because the secret already exists."));
    sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string; ClientRequestToken: string; SecretString: string }) => {
      stored.set(input.ClientRequestToken, input.SecretString);
      return { ARN: arnOf(input.SecretId), VersionId: input.ClientRequestToken };
    });
    const created = await createSecret(operator, { workspaceId: ws, name: "once", value: "written-once" });
    expect(await writtenBy(created)).toMatchObject({ state: "succeeded", attempts: 2, error: null });
    const token = clientRequestToken(created.pendingTasks[0].target.id, 1);
    expect([...inputs(sm.commandCalls(CreateSecretCommand)), ...inputs(sm.commandCalls(PutSecretValueCommand))].map((input) => input.ClientRequestToken)).toEqual([token, token, token]);
    expect([...stored.keys()]).toEqual([token]);
  });

  it("fails the write at once on access denied, showing the provider's error, keeps the value readable, and writes it when retried", async () => {
    const ws = await newWorkspace();
    const denied = "User: arn:aws:sts::111111111111:assumed-role/x is not authorized to perform: secretsmanager:CreateSecret";
    sm.on(CreateSecretCommand)
      .rejectsOnce(awsError("AccessDeniedException", denied))
      .callsFake((input: { Name: string; ClientRequestToken: string }) => ({ ARN: arnOf(input.Name), VersionId: input.ClientRequestToken }));
    const created = await createSecret(operator, { workspaceId: ws, name: "denied", value: "kept-while-denied" });
    const failed = await writtenBy(created);
    expect(failed).toMatchObject({ state: "failed", attempts: 1, error: `AccessDeniedException: ${denied}` });
    expect((await getSecret(operator, { workspaceId: ws, name: "denied" })).pendingTasks).toEqual([expect.objectContaining({ id: failed.id, state: "failed", error: `AccessDeniedException: ${denied}` })]);
    expect(await revealSecretValue(ws, "denied")).toBe("kept-while-denied");

    await retryTask(operator, { id: failed.id });
    expect(await taskEnded(operator, failed.id)).toMatchObject({ state: "succeeded", attempts: 1 });
    const token = clientRequestToken(created.pendingTasks[0].target.id, 1);
    expect(inputs(sm.commandCalls(CreateSecretCommand)).map((input) => input.ClientRequestToken)).toEqual([token, token]);
    expect((await storedSecret(ws, "denied")).versions[0]).toMatchObject({ sealedPendingValue: null, externalVersionId: token });
  });

  it("reports a value that is gone from AWS when a client reveals it", async () => {
    const ws = await newWorkspace();
    expect((await writtenBy(await createSecret(operator, { workspaceId: ws, name: "vanished", value: "x" }))).state).toBe("succeeded");
    sm.on(GetSecretValueCommand).rejects(awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    await expect(revealSecret({ ...operator, kind: "client", scopes: ["secrets:reveal"] }, { workspaceId: ws, name: "vanished" })).rejects.toMatchObject({ status: 502, details: { providerError: "ResourceNotFoundException" } });
  });
});

describe("a name deleted and taken again", () => {
  const scheduledForDeletion = () => awsError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.");

  it("is taken over by the new secret's first write only once the old secret's deletion has run", async () => {
    const ws = await newWorkspace();
    const name = `sluice/${tenantSlug}/${ws}/reused`;
    const first = await createSecret(operator, { workspaceId: ws, name: "reused", value: "old-value" });
    expect((await writtenBy(first)).state).toBe("succeeded");
    const deleting = gate();
    sm.on(DeleteSecretCommand).callsFake(async () => {
      await deleting.opened;
      return {};
    });
    await deleteSecret(operator, { workspaceId: ws, name: "reused" });
    await vi.waitFor(() => expect(sm.commandCalls(DeleteSecretCommand)).toHaveLength(1));

    sm.on(CreateSecretCommand).rejects(scheduledForDeletion());
    sm.on(RestoreSecretCommand).resolves({ ARN: arnOf(name) });
    const second = await createSecret(operator, { workspaceId: ws, name: "reused", value: "new-value" });
    await vi.waitFor(async () => {
      const [write] = (await getSecret(operator, { workspaceId: ws, name: "reused" })).pendingTasks;
      expect(write).toMatchObject({ state: "queued", attempts: 1, error: expect.stringMatching(/still being deleted in AWS/) });
    });
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(1);

    deleting.open();
    expect(await taskEnded(operator, await deletionTask(first.pendingTasks[0].target.id))).toMatchObject({ state: "succeeded", result: { deleted: arnOf(name) } });
    expect(await writtenBy(second)).toMatchObject({ state: "succeeded", attempts: 2 });
    expect(sent()).toEqual(["CreateSecretCommand", "DeleteSecretCommand", "CreateSecretCommand", "RestoreSecretCommand", "PutSecretValueCommand"]);
  });

  it("keeps the AWS secret a newer secret took over when the old one's failed deletion is retried", async () => {
    const ws = await newWorkspace();
    const first = await createSecret(operator, { workspaceId: ws, name: "kept", value: "old-value" });
    expect((await writtenBy(first)).state).toBe("succeeded");
    sm.on(DeleteSecretCommand).rejects(awsError("AccessDeniedException", "not authorized to perform: secretsmanager:DeleteSecret"));
    await deleteSecret(operator, { workspaceId: ws, name: "kept" });
    const deletion = await deletionTask(first.pendingTasks[0].target.id);
    expect(await taskEnded(operator, deletion)).toMatchObject({ state: "failed", error: "AccessDeniedException: not authorized to perform: secretsmanager:DeleteSecret" });

    sm.on(CreateSecretCommand).rejects(awsError("ResourceExistsException", "The operation failed because the secret already exists."));
    expect((await writtenBy(await createSecret(operator, { workspaceId: ws, name: "kept", value: "newer-value" }))).state).toBe("succeeded");
    await retryTask(operator, { id: deletion });
    expect(await taskEnded(operator, deletion)).toMatchObject({ state: "succeeded", result: { skipped: "a newer secret of this name holds it" } });
    expect(sm.commandCalls(DeleteSecretCommand)).toHaveLength(1);
  });
});

describe("clients built by awsClient", () => {
  it("retry a throttled call (the SDK's standard retry, not switched off)", async () => {
    sm.restore();
    vi.stubEnv("SLUICE_AWS_ROLES_MAP", "");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "example");
    const answers = [
      { statusCode: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } },
      { statusCode: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } },
      { statusCode: 200, body: { ARN: arnOf("x"), Name: "x", SecretString: "after-throttling", VersionId: "v1" } },
    ];
    const targets: string[] = [];
    const requestHandler = {
      handle: async (request: { headers: Record<string, string> }) => {
        targets.push(request.headers["x-amz-target"]);
        const answer = answers.shift()!;
        return { response: { statusCode: answer.statusCode, headers: { "content-type": "application/x-amz-json-1.1" }, body: Readable.from([Buffer.from(JSON.stringify(answer.body))]) } };
      },
    };
    const client = awsClient(SecretsManagerClient, { category: "WORKSPACE", service: "AWSSECRETMANAGER" }, { requestHandler });
    const got = await client.send(new GetSecretValueCommand({ SecretId: "x" }));
    expect(got.SecretString).toBe("after-throttling");
    expect(targets).toEqual(["secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue"]);
  });
});
