import { z } from "zod";
import { task } from "@/lib/tasks/schema";

/** REST and UI shapes of secrets: one source for validation, types and the OpenAPI document. Values go in, never out (except reveal). */

export const SECRET_STORES = ["embedded", "aws"] as const;
export type SecretStoreKind = (typeof SECRET_STORES)[number];

/** Secrets Manager's limit for a value, in bytes; the embedded store keeps the same one. */
export const MAX_VALUE_BYTES = 65_536;
/** Names of this form are the tokens of a workspace's connections (lib/connections): Sluice writes them. */
export const CONNECTION_SECRET_PREFIX = "connection.";

export const secretName = z.string().regex(/^[a-zA-Z0-9._-]{1,128}$/, "letters, digits, '.', '_' and '-' (at most 128)");
const newSecretName = secretName.refine((name) => !name.startsWith(CONNECTION_SECRET_PREFIX), `names starting with '${CONNECTION_SECRET_PREFIX}' hold connections' tokens`);
export const secretValue = z
  .string()
  .min(1)
  .refine((value) => Buffer.byteLength(value, "utf8") <= MAX_VALUE_BYTES, `at most ${MAX_VALUE_BYTES} bytes`)
  .describe("write-only: never returned by any read");
export const secretDescription = z.string().trim().max(1000);
const id = z.string().max(64);

/** Whose secret: a workspace's, or (with appId) one of its apps'. */
export const secretOwner = z.strictObject({ workspaceId: id, appId: id.optional() });
export type SecretOwner = z.infer<typeof secretOwner>;

export const createSecretBody = z.strictObject({ name: newSecretName, value: secretValue, description: secretDescription.optional() });
/** PUT: a new version of the value (the secret is created if it does not exist); `name`, when given, must be the URL's. */
export const putSecretBody = z.strictObject({ name: secretName.optional(), value: secretValue, description: secretDescription.optional() });
export const describeSecretBody = z.strictObject({ name: secretName.optional(), description: secretDescription });
export const revealSecretBody = z.strictObject({ name: secretName.optional(), version: z.number().int().min(1).max(2_147_483_647).optional().describe("default: the current version") });

export const createSecretInput = secretOwner.extend(createSecretBody.shape);
export const putSecretInput = secretOwner.extend({ ...putSecretBody.shape, name: newSecretName });
export const secretRefInput = secretOwner.extend({ name: secretName });
export const describeSecretInput = secretRefInput.extend({ description: secretDescription });
export const revealSecretInput = secretRefInput.extend({ version: revealSecretBody.shape.version });

export const secretMeta = z.object({
  name: z.string(),
  description: z.string(),
  store: z.enum(SECRET_STORES),
  version: z.number().int().describe("the current version"),
  connection: z.string().nullable().describe("the connection whose token this is (Sluice writes it); null for secrets people write"),
  pendingTasks: z
    .array(task)
    .describe("aws store: the secret's writes to and deletions from AWS Secrets Manager not done yet (queued, running or failed, oldest first); a version is read from the database until its write succeeds"),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type SecretMeta = z.infer<typeof secretMeta>;

export const secretVersion = z.object({ version: z.number().int(), createdBy: z.string(), createdAt: z.string() });
export const secretDetail = secretMeta.extend({ versions: z.array(secretVersion).describe("newest first; who wrote each version and when") });
export type SecretDetail = z.infer<typeof secretDetail>;
export const secretList = z.object({ items: z.array(secretMeta) });
export const revealedSecret = z.object({ name: z.string(), version: z.number().int(), value: z.string() });
