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
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { apps, secrets, secretVersions } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { awsClient } from "@/lib/cloud/aws/clients";
import { testTenant } from "@/lib/testing/fixtures";
import { createWorkspace } from "@/lib/workspaces/service";
import { createSecret, deleteSecret, putSecret, revealSecret, revealSecretValue } from "./service";

const sm = mockClient(SecretsManagerClient);
const sts = mockClient(STSClient);
const WORKSPACE_ROLE = "arn:aws:iam::111111111111:role/sluice-workspace-secrets";
const APP_ROLE = "arn:aws:iam::222222222222:role/sluice-app-secrets";
const arnOf = (name: string) => `arn:aws:secretsmanager:eu-west-2:111111111111:secret:${name}-AbCdEf`;

let operator: Principal;
let tenantSlug: string;
let tenantId: string;

beforeAll(async () => {
  ({ operator, tenant: { slug: tenantSlug, id: tenantId } } = await testTenant("aws"));
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
  sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string; ClientRequestToken: string }) => ({ ARN: input.SecretId, VersionId: input.ClientRequestToken }));
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
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

describe("the AWS Secrets Manager store", () => {
  it("creates, versions, reads and deletes with exactly these calls, as the workspace's mapped role", async () => {
    const ws = await newWorkspace();
    const name = `sluice/${tenantSlug}/${ws}/db-password`;
    await createSecret(operator, { workspaceId: ws, name: "db-password", value: "first-aws-value" });
    const create = sm.commandCalls(CreateSecretCommand)[0].args[0].input;
    expect(create).toEqual({
      Name: name,
      SecretString: "first-aws-value",
      ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Tags: [
        { Key: "sluice:tenant", Value: tenantSlug },
        { Key: "sluice:workspace", Value: ws },
      ],
    });

    await putSecret(operator, { workspaceId: ws, name: "db-password", value: "second-aws-value" });
    const put = sm.commandCalls(PutSecretValueCommand)[0].args[0].input;
    expect(put).toEqual({ SecretId: arnOf(name), SecretString: "second-aws-value", ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const db = await database();
    const [row] = await db.select().from(secrets).where(eq(secrets.workspaceId, ws));
    expect(row).toMatchObject({ store: "aws", externalRef: arnOf(name), ciphertext: "", version: 2 });
    const versions = await db.select().from(secretVersions).where(eq(secretVersions.secretId, row.id)).orderBy(secretVersions.version);
    expect(versions.map((v) => [v.version, v.ciphertext, v.externalVersionId])).toEqual([
      [1, null, create.ClientRequestToken],
      [2, null, put.ClientRequestToken],
    ]);

    sm.on(GetSecretValueCommand, { SecretId: arnOf(name), VersionId: put.ClientRequestToken }).resolves({ SecretString: "second-aws-value", VersionId: put.ClientRequestToken });
    expect(await revealSecretValue(ws, "db-password")).toBe("second-aws-value");
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: arnOf(name), VersionId: put.ClientRequestToken }]);

    vi.stubEnv("SLUICE_AWS_SECRETS_RECOVERY_DAYS", "7");
    await deleteSecret(operator, { workspaceId: ws, name: "db-password" });
    expect(sm.commandCalls(DeleteSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: arnOf(name), RecoveryWindowInDays: 7 }]);

    expect(await accessKeyOfCall(sm.commandCalls(CreateSecretCommand)[0])).toBe(keyOfRole(WORKSPACE_ROLE));
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toContain(WORKSPACE_ROLE);
  });

  it("writes an app's secrets under the app, with the app account's role and a configurable prefix", async () => {
    vi.stubEnv("SLUICE_AWS_SECRETS_PREFIX", "corp/sluice");
    const ws = await newWorkspace();
    const db = await database();
    const [app] = await db.insert(apps).values({ tenantId, workspaceId: ws, name: "web", slug: `web-${randomBytes(3).toString("hex")}`, iamRoleName: "dev_app_web", createdBy: "test" }).returning();
    await createSecret(operator, { workspaceId: ws, appId: app.id, name: "api-key", value: "app-aws-value" });
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
    await createSecret(operator, { workspaceId: ws, name: "again", value: "restored-value" });
    expect(sm.commandCalls(RestoreSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: name }]);
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: name, SecretString: "restored-value", ClientRequestToken: expect.any(String) }]);
  });

  it("reports access denied with the provider's error, and keeps nothing", async () => {
    const ws = await newWorkspace();
    sm.on(CreateSecretCommand).rejects(awsError("AccessDeniedException", "User: arn:aws:sts::111111111111:assumed-role/x is not authorized to perform: secretsmanager:CreateSecret"));
    await expect(createSecret(operator, { workspaceId: ws, name: "denied", value: "never-stored" })).rejects.toMatchObject({
      status: 502,
      code: "secret_store_failed",
      message: expect.stringMatching(/^AWS Secrets Manager: AccessDeniedException: User: .* not authorized to perform: secretsmanager:CreateSecret$/),
      details: { providerError: "AccessDeniedException" },
    });
    const db = await database();
    expect(await db.select().from(secrets).where(eq(secrets.workspaceId, ws))).toEqual([]);
  });

  it("reports a value that is gone from AWS when a client reveals it", async () => {
    const ws = await newWorkspace();
    await createSecret(operator, { workspaceId: ws, name: "vanished", value: "x" });
    sm.on(GetSecretValueCommand).rejects(awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    await expect(revealSecret({ ...operator, kind: "client", scopes: ["secrets:reveal"] }, { workspaceId: ws, name: "vanished" })).rejects.toMatchObject({ status: 502, details: { providerError: "ResourceNotFoundException" } });
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
