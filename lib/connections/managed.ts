import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { connections } from "@/db/schema";

/** A secret that holds a connection's token: Sluice writes it, and a refresh token never reaches a run. */
export type ManagedSecret = { connection: string; token: "access" | "refresh" };

/** The workspace's secrets that hold connections' tokens, by secret id. */
export async function managedSecrets(db: Pick<Database, "select">, workspaceId: string): Promise<Map<string, ManagedSecret>> {
  const rows = await db
    .select({ name: connections.name, access: connections.accessSecretId, refresh: connections.refreshSecretId })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId));
  const managed = new Map<string, ManagedSecret>();
  for (const row of rows) {
    if (row.access) managed.set(row.access, { connection: row.name, token: "access" });
    if (row.refresh) managed.set(row.refresh, { connection: row.name, token: "refresh" });
  }
  return managed;
}
