import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { connections, secrets } from "@/db/schema";
import { eraseSecret, findSecret, insertSecret, writeVersion, type SecretPlace } from "@/lib/secrets/values";

/** A connection's rows: its token secrets are named after it (connection.<name>, connection.<name>.refresh). */
export type ConnectionRow = typeof connections.$inferSelect;
type Tx = Pick<Database, "select" | "insert" | "update" | "delete" | "execute">;

export const accessSecretName = (connection: string) => `connection.${connection}`;
export const refreshSecretName = (connection: string) => `connection.${connection}.refresh`;

/** Deletes token secrets (their values erased); ids that are null are skipped. */
export async function eraseTokenSecrets(tx: Tx, ids: (string | null)[], by: string): Promise<void> {
  const present = ids.filter((id): id is string => id !== null);
  if (present.length === 0) return;
  for (const row of await tx.select().from(secrets).where(inArray(secrets.id, present)).for("update")) {
    if (!row.deletedAt) await eraseSecret(tx, row, by);
  }
}

/** Deletes a connection and its tokens. */
export async function eraseConnection(tx: Tx, row: ConnectionRow, by: string): Promise<void> {
  await eraseTokenSecrets(tx, [row.accessSecretId, row.refreshSecretId], by);
  await tx.delete(connections).where(eq(connections.id, row.id));
}

/**
 * Writes a token as the next version of its secret, creating the secret (in the configured store) the
 * first time; returns the secret's id.
 */
export async function writeToken(tx: Tx, place: SecretPlace, secretId: string | null, name: string, value: string, by: string): Promise<string> {
  const [existing] = secretId ? await tx.select().from(secrets).where(and(eq(secrets.id, secretId), isNull(secrets.deletedAt))).for("update") : [];
  if (existing) return (await writeVersion(tx, existing, place, value, by)).id;
  const created = await insertSecret(tx, place, { name, value, description: "an OAuth token of a connection, written by Sluice" }, by);
  if (created) return created.id;
  return (await writeVersion(tx, await findSecret(tx, place, name, true), place, value, by)).id;
}
