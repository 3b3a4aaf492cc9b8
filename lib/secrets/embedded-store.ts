import { eq } from "drizzle-orm";
import { secretDataKeys } from "@/db/schema";
import { newDataKey, open, seal, unwrapKey, wrapKey, type SealContext } from "@/lib/crypto/envelope";
import type { Executor, SecretStore, SecretVersionRef } from "./store";

/**
 * The embedded secret store: each workspace has a data key of its own, kept in the database only
 * wrapped under the master key; each secret value is sealed with it, bound to the workspace (and app),
 * the secret's name and its version, so a value copied to another row does not open.
 */
export type SecretRef = Pick<SecretVersionRef, "workspaceId" | "name" | "version"> & { appId?: string | null };

export const dataKeyContext = (workspaceId: string): SealContext => ({ purpose: "secret-data-key", owner: workspaceId, version: 1 });
const valueContext = (ref: SecretRef): SealContext => ({
  purpose: "secret-value",
  owner: ref.appId ? `${ref.workspaceId}/apps/${ref.appId}/${ref.name}` : `${ref.workspaceId}/${ref.name}`,
  version: ref.version,
});

/** The workspace's data key, created at first use (whoever inserts first wins; everyone reads the winner). */
async function dataKey(db: Executor, workspaceId: string): Promise<Buffer> {
  const read = () => db.select({ wrappedKey: secretDataKeys.wrappedKey }).from(secretDataKeys).where(eq(secretDataKeys.workspaceId, workspaceId));
  let [row] = await read();
  if (!row) {
    await db.insert(secretDataKeys).values({ workspaceId, wrappedKey: wrapKey(newDataKey(), dataKeyContext(workspaceId)) }).onConflictDoNothing();
    [row] = await read();
  }
  return unwrapKey(row.wrappedKey, dataKeyContext(workspaceId));
}

/** `db` is the transaction when there is one: embedded PGlite serves one session, where a second connection would wait for it. */
export async function sealSecretValue(db: Executor, ref: SecretRef, value: string): Promise<string> {
  return seal(value, valueContext(ref), await dataKey(db, ref.workspaceId));
}

export async function openSecretValue(db: Executor, ref: SecretRef, ciphertext: string): Promise<string> {
  return open(ciphertext, valueContext(ref), await dataKey(db, ref.workspaceId));
}

export const embeddedSecretStore: SecretStore = {
  async put(tx, ref, value) {
    return { ciphertext: await sealSecretValue(tx, ref, value), sealedPendingValue: null };
  },
  async get(db, ref, stored) {
    if (!stored.ciphertext) throw new Error(`Version ${ref.version} of the secret ${ref.name} has no value (it was deleted).`);
    return openSecretValue(db, ref, stored.ciphertext);
  },
  async remove() {},
};
