import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { clients } from "@/db/schema";
import type { Scope } from "@/lib/access/actions";
import { authorize } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { hashSecret, randomToken } from "@/lib/auth/secrets";
import { forgetVerifiedTokens } from "@/lib/auth/tokens";
import { notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { createClientInput, type Client } from "./schema";

type ClientRow = typeof clients.$inferSelect;

export function presentClient(row: ClientRow): Client {
  return {
    id: row.id,
    clientId: row.clientId,
    name: row.name,
    scopes: row.scopes as Scope[],
    roles: row.roles,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    secretRotatedAt: row.secretRotatedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
  };
}

const snapshot = (row: ClientRow) => ({ clientId: row.clientId, name: row.name, scopes: row.scopes, roles: row.roles, revoked: row.revokedAt !== null });

export async function createClient(p: Principal, input: z.input<typeof createClientInput>) {
  const data = parseInput(createClientInput, input);
  authorize(p, "client.manage", { tenantId: p.tenantId });
  const secret = randomToken();
  const db = await database();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(clients)
      .values({
        tenantId: p.tenantId,
        clientId: `sl_${randomBytes(10).toString("hex")}`,
        name: data.name,
        secretHash: hashSecret(secret),
        scopes: [...new Set(data.scopes)],
        roles: [...new Set(data.roles)],
        createdBy: describePrincipal(p),
      })
      .returning();
    await recordAudit(tx, p, { action: "client.create", targetType: "client", targetId: row.id, after: snapshot(row) });
    return { client: presentClient(row), clientSecret: secret };
  });
}

export async function listClients(p: Principal, input: { includeRevoked?: boolean } = {}) {
  authorize(p, "client.read", { tenantId: p.tenantId });
  const db = await database();
  const rows = await db
    .select()
    .from(clients)
    .where(and(eq(clients.tenantId, p.tenantId), input.includeRevoked ? undefined : isNull(clients.revokedAt)))
    .orderBy(desc(clients.createdAt));
  return { items: rows.map(presentClient) };
}

async function loadClient(p: Principal, id: string) {
  if (!z.uuid().safeParse(id).success) throw notFound("client");
  const db = await database();
  const [row] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.tenantId, p.tenantId), eq(clients.id, id)));
  if (!row) throw notFound("client");
  return row;
}

export async function getClient(p: Principal, input: { id: string }) {
  authorize(p, "client.read", { tenantId: p.tenantId });
  return presentClient(await loadClient(p, input.id));
}

export async function revokeClient(p: Principal, input: { id: string }) {
  authorize(p, "client.manage", { tenantId: p.tenantId });
  const row = await loadClient(p, input.id);
  if (row.revokedAt) return presentClient(row);
  const db = await database();
  const result = await db.transaction(async (tx) => {
    const [revoked] = await tx.update(clients).set({ revokedAt: new Date() }).where(eq(clients.id, row.id)).returning();
    await recordAudit(tx, p, { action: "client.revoke", targetType: "client", targetId: row.id, before: snapshot(row), after: snapshot(revoked) });
    return presentClient(revoked);
  });
  // Its tokens must stop working now, not when their cached verification runs out.
  forgetVerifiedTokens();
  return result;
}

export async function rotateClientSecret(p: Principal, input: { id: string }) {
  authorize(p, "client.manage", { tenantId: p.tenantId });
  const row = await loadClient(p, input.id);
  if (row.revokedAt) throw notFound("client");
  const secret = randomToken();
  const db = await database();
  return db.transaction(async (tx) => {
    const [rotated] = await tx.update(clients).set({ secretHash: hashSecret(secret), secretRotatedAt: new Date() }).where(eq(clients.id, row.id)).returning();
    await recordAudit(tx, p, { action: "client.rotate_secret", targetType: "client", targetId: row.id });
    return { client: presentClient(rotated), clientSecret: secret };
  });
}
