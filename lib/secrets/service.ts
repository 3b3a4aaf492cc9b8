import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { secrets } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import type { Principal } from "@/lib/auth/principal";
import { conflict, notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { assertActive, enterWorkspace } from "@/lib/workspaces/guard";
import { openSecretValue, sealSecretValue } from "./embedded-store";
import { legacySecretsResealed } from "./legacy";

export const secretName = z.string().regex(/^[a-zA-Z0-9._-]{1,128}$/, "letters, digits, '.', '_' and '-' (at most 128)");

const createSecretInput = z.strictObject({ workspaceId: z.string(), name: secretName, value: z.string().min(1).max(64 * 1024) });

/** Secrets are write-only: values go in, only names come out. */
export async function createSecret(p: Principal, input: z.input<typeof createSecretInput>) {
  const data = parseInput(createSecretInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "secret.write");
  assertActive(ws);
  await legacySecretsResealed();
  const db = await database();
  const version = 1;
  const ciphertext = await sealSecretValue(db, { workspaceId: ws.id, name: data.name, version }, data.value);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(secrets).values({ tenantId: p.tenantId, workspaceId: ws.id, name: data.name, version, ciphertext }).onConflictDoNothing().returning();
    if (!row) throw conflict("secret_exists", `A secret named ${data.name} already exists in this workspace.`);
    await recordAudit(tx, p, { action: "secret.create", targetType: "secret", targetId: row.id, workspaceId: ws.id, after: { name: row.name } });
    return { name: row.name, createdAt: row.createdAt.toISOString() };
  });
}

export async function listSecretNames(p: Principal, input: { workspaceId: string }): Promise<string[]> {
  const ws = await enterWorkspace(p, input.workspaceId, "secret.list");
  return secretNamesOf(ws.id);
}

/** For services that already checked access to the workspace. */
export async function secretNamesOf(workspaceId: string): Promise<string[]> {
  const db = await database();
  const rows = await db.select({ name: secrets.name }).from(secrets).where(and(eq(secrets.workspaceId, workspaceId))).orderBy(asc(secrets.name));
  return rows.map((r) => r.name);
}

/** A secret's value, for the engine to hand to a run. Internal: no principal, no access check here. */
export async function revealSecretValue(workspaceId: string, name: string): Promise<string> {
  await legacySecretsResealed();
  const db = await database();
  const [row] = await db.select().from(secrets).where(and(eq(secrets.workspaceId, workspaceId), eq(secrets.name, name)));
  if (!row) throw notFound("secret");
  return openSecretValue(db, row, row.ciphertext);
}
