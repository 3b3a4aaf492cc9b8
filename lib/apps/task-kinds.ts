import type { SealContext } from "@/lib/crypto/envelope";

/** The background tasks of cloud access (handlers in ./tasks.ts) and what each carries. */
export const TASK = {
  createAppRole: "app.create_role",
  deleteApp: "app.delete",
  createUserRole: "user.create_role",
  syncGrant: "grant.sync",
  putParameter: "parameter.put",
  deleteParameter: "parameter.delete",
} as const;

export type DeleteAppPayload = { roleName: string; parameterNames: string[] };
/** Writes the bucket policy of the principal's active grant, or removes it when there is none. */
export type SyncGrantPayload = { bucketId: string; principalKind: "app" | "user"; principalId: string; policyName: string; intent: "grant" | "revoke" };
/** `writtenAt` names the write: a later write of the same parameter supersedes this one. */
export type PutParameterPayload = { key: string; parameterName: string; description: string; writtenAt: string; sealedValue?: string };
/** What binds a parameter's sealed value, while it waits in its task, to the app, the key and the write. */
export const parameterSealContext = (appId: string, key: string, writtenAt: string): SealContext => ({ purpose: "app-parameter", owner: `${appId}/${key}`, version: Date.parse(writtenAt) });
export type DeleteParameterPayload = { key: string; parameterName: string };
