import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { roleArnFor, type AwsRoleTarget } from "./roles-map";

/**
 * AWS SDK v3 clients for the role the roles map gives (lib/cloud/aws/roles-map.ts): STS AssumeRole
 * with Sluice's own credentials (the default chain), the temporary credentials shared by every client
 * of that role and renewed shortly before they expire. No role for the target: the client uses the
 * default credential chain itself. The region is AWS_REGION (else the SDK's own region chain).
 */
export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
type CredentialProvider = () => Promise<AwsCredentials>;
type AwsClientConfig = { region?: string; credentials?: CredentialProvider };

/** Renew this long before expiry; the SDK itself re-asks its provider 5 minutes before. */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;
const SESSION_NAME = "sluice";

type CacheEntry = { credentials: Promise<AwsCredentials>; expiresAt: number };
const assumed = new Map<string, CacheEntry>();
let sts: STSClient | undefined;

async function assumeRole(roleArn: string): Promise<AwsCredentials> {
  sts ??= new STSClient({ region: process.env.AWS_REGION });
  const { Credentials: credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME, DurationSeconds: SESSION_SECONDS }),
  );
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`STS returned no credentials for ${roleArn}.`);
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
  };
}

/** The role's credentials: cached (one AssumeRole in flight per role), renewed within RENEW_BEFORE_MS of expiry. */
function assumedRoleCredentials(roleArn: string): CredentialProvider {
  return () => {
    const cached = assumed.get(roleArn);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > Date.now()) return cached.credentials;
    const entry: CacheEntry = { credentials: assumeRole(roleArn), expiresAt: Infinity };
    assumed.set(roleArn, entry);
    entry.credentials.then(
      (credentials) => (entry.expiresAt = credentials.expiration?.getTime() ?? 0),
      () => assumed.get(roleArn) === entry && assumed.delete(roleArn),
    );
    return entry.credentials;
  };
}

type ClientClass = new (...args: never[]) => unknown;
type ClientConfigOf<C extends ClientClass> = NonNullable<ConstructorParameters<C>[0]>;

/**
 * A client of `Client` (e.g. SecretsManagerClient) acting as the role mapped for `target`.
 * `config` adds or overrides client settings (maxAttempts, a request handler in tests).
 */
export function awsClient<C extends ClientClass>(Client: C, target: AwsRoleTarget, config?: ClientConfigOf<C>): InstanceType<C> {
  const roleArn = roleArnFor(target);
  const settings: AwsClientConfig = {
    region: process.env.AWS_REGION,
    ...(roleArn ? { credentials: assumedRoleCredentials(roleArn) } : {}),
  };
  return new (Client as unknown as new (config: object) => InstanceType<C>)({ ...settings, ...(config as object | undefined) });
}
