import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { awsClient } from "./clients";

const sts = mockClient(STSClient);
const APP_ROLE = "arn:aws:iam::222222222222:role/sluice-apps";
const DATA_ROLE = "arn:aws:iam::111111111111:role/sluice-data";

function stsCredentials(id: string, expiresInMs: number) {
  return {
    Credentials: { AccessKeyId: id, SecretAccessKey: `${id}-secret`, SessionToken: `${id}-token`, Expiration: new Date(Date.now() + expiresInMs) },
  };
}

const credentialsOf = (client: SecretsManagerClient) => client.config.credentials();

describe("awsClient", () => {
  beforeEach(() => {
    sts.reset();
    vi.stubEnv("AWS_REGION", "eu-west-2");
    vi.stubEnv("SLUICE_AWS_ROLES_MAP", JSON.stringify({ DEFAULT: "AWS_DATA_ROLE", APP: { DEFAULT: "AWS_APP_ROLE" } }));
    vi.stubEnv("AWS_DATA_ROLE", DATA_ROLE);
    vi.stubEnv("AWS_APP_ROLE", APP_ROLE);
  });
  afterEach(() => vi.unstubAllEnvs());

  it("assumes the role the map gives, in AWS_REGION, and shares its credentials until shortly before they expire", async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(stsCredentials("first", 60 * 60_000)).resolves(stsCredentials("second", 60 * 60_000));
    const client = awsClient(SecretsManagerClient, { category: "APP", service: "AWSSECRETMANAGER" });
    expect(await client.config.region()).toBe("eu-west-2");
    expect(await credentialsOf(client)).toMatchObject({ accessKeyId: "first", secretAccessKey: "first-secret", sessionToken: "first-token" });
    const again = awsClient(SecretsManagerClient, { category: "APP", service: "AWSROLE" });
    expect((await credentialsOf(again)).accessKeyId).toBe("first");
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: APP_ROLE, RoleSessionName: "sluice", DurationSeconds: 3600 },
    ]);
  });

  it("assumes each category's role separately", async () => {
    sts.on(AssumeRoleCommand, { RoleArn: DATA_ROLE }).resolves(stsCredentials("data", 60 * 60_000));
    const client = awsClient(SecretsManagerClient, { category: "USER", service: "AWSSECRETMANAGER" });
    expect((await credentialsOf(client)).accessKeyId).toBe("data");
    expect(sts.commandCalls(AssumeRoleCommand, { RoleArn: DATA_ROLE })).toHaveLength(1);
  });

  it("renews credentials once they expire within five minutes", async () => {
    const role = "arn:aws:iam::444444444444:role/short";
    vi.stubEnv("AWS_APP_ROLE", role);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      sts.on(AssumeRoleCommand).resolvesOnce(stsCredentials("short", 10 * 60_000)).resolves(stsCredentials("renewed", 60 * 60_000));
      const client = () => awsClient(SecretsManagerClient, { category: "APP", service: "AWSROLE" });
      expect((await credentialsOf(client())).accessKeyId).toBe("short");
      vi.advanceTimersByTime(4 * 60_000);
      expect((await credentialsOf(client())).accessKeyId).toBe("short");
      vi.advanceTimersByTime(2 * 60_000);
      expect((await credentialsOf(client())).accessKeyId).toBe("renewed");
      expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not keep a failed AssumeRole", async () => {
    const role = "arn:aws:iam::555555555555:role/flaky";
    vi.stubEnv("AWS_APP_ROLE", role);
    sts.on(AssumeRoleCommand).rejectsOnce(Object.assign(new Error("not authorized"), { name: "AccessDenied" })).resolves(stsCredentials("ok", 60 * 60_000));
    await expect(credentialsOf(awsClient(SecretsManagerClient, { category: "APP", service: "AWSROLE" }))).rejects.toThrow("not authorized");
    expect((await credentialsOf(awsClient(SecretsManagerClient, { category: "APP", service: "AWSROLE" }))).accessKeyId).toBe("ok");
  });

  it("uses the default credential chain when the map gives no role", async () => {
    vi.stubEnv("SLUICE_AWS_ROLES_MAP", "");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "from-environment");
    const client = awsClient(SecretsManagerClient, { category: "APP", service: "AWSSECRETMANAGER" }, { maxAttempts: 5 });
    expect((await credentialsOf(client)).accessKeyId).toBe("AKIAFROMENVIRONMENT");
    expect(await client.config.maxAttempts()).toBe(5);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it("refuses a map that names an unset variable", () => {
    vi.stubEnv("AWS_APP_ROLE", "");
    expect(() => awsClient(SecretsManagerClient, { category: "APP", service: "AWSROLE" })).toThrow(/AWS_APP_ROLE, which is not set/);
  });
});
