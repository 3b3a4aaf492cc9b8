import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { hashPassword, passwordMatches } from "@/lib/auth/password";
import type { Principal } from "@/lib/auth/principal";
import { conflict } from "@/lib/errors";
import { parseInput } from "@/lib/validation";

export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;

const roleList = z.array(z.string().trim().min(1).max(200)).default([]);

const createUserInput = z.strictObject({
  email: z.email().transform((e) => e.toLowerCase()),
  name: z.string().max(200).default(""),
  password: z.string().min(8, "at least 8 characters").max(200),
  roles: roleList,
  groups: roleList,
});

export type UserRow = typeof users.$inferSelect;

export function presentUser(u: UserRow) {
  return { id: u.id, email: u.email, name: u.name, roles: u.roles, groups: u.groups, createdAt: u.createdAt.toISOString() };
}

export async function createUser(p: Principal, input: z.input<typeof createUserInput>) {
  const data = parseInput(createUserInput, input);
  authorize(p, "user.manage", { tenantId: p.tenantId });
  const db = await database();
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ tenantId: p.tenantId, email: data.email, name: data.name, passwordHash, roles: data.roles, groups: data.groups })
      .onConflictDoNothing()
      .returning();
    if (!user) throw conflict("user_exists", `A user with e-mail ${data.email} already exists in this tenant.`);
    await recordAudit(tx, p, { action: "user.create", targetType: "user", targetId: user.id, after: { email: user.email, roles: user.roles } });
    return presentUser(user);
  });
}

export type SignInResult = { ok: true; user: UserRow; tenantSlug: string } | { ok: false; reason: "invalid" | "locked" | "ambiguous" };

/** Checks an e-mail and password; repeated failures lock the account for a while. */
export async function verifyPasswordSignIn(input: { email: string; password: string; tenant?: string }): Promise<SignInResult> {
  const db = await database();
  const rows = await db
    .select({ user: users, slug: tenants.slug })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.email, input.email.trim().toLowerCase()), input.tenant ? eq(tenants.slug, input.tenant) : undefined));
  if (rows.length > 1) return { ok: false, reason: "ambiguous" };
  const row = rows[0];
  if (!row) return { ok: false, reason: "invalid" };
  if (row.user.lockedUntil && row.user.lockedUntil > new Date()) return { ok: false, reason: "locked" };
  if (!(await passwordMatches(input.password, row.user.passwordHash))) {
    const failures = row.user.failedSignIns + 1;
    await db
      .update(users)
      .set({
        failedSignIns: failures >= MAX_FAILED_SIGN_INS ? 0 : failures,
        lockedUntil: failures >= MAX_FAILED_SIGN_INS ? new Date(Date.now() + LOCK_MINUTES * 60_000) : row.user.lockedUntil,
      })
      .where(eq(users.id, row.user.id));
    return { ok: false, reason: failures >= MAX_FAILED_SIGN_INS ? "locked" : "invalid" };
  }
  await db.update(users).set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: new Date() }).where(eq(users.id, row.user.id));
  return { ok: true, user: row.user, tenantSlug: row.slug };
}

/** A person from an external identity provider, created or refreshed with the roles of this sign-in. */
export async function upsertExternalUser(input: { tenantId: string; externalId: string; email: string; name: string; roles: string[]; groups: string[] }) {
  const db = await database();
  const email = input.email.toLowerCase();
  const [user] = await db
    .insert(users)
    .values({ tenantId: input.tenantId, externalId: input.externalId, email, name: input.name, roles: input.roles, groups: input.groups, lastSignInAt: new Date() })
    .onConflictDoUpdate({
      target: [users.tenantId, users.email],
      set: { externalId: input.externalId, name: sql`coalesce(nullif(${input.name}, ''), ${users.name})`, roles: input.roles, groups: input.groups, lastSignInAt: new Date() },
    })
    .returning();
  return user;
}

export async function findUser(tenantId: string, id: string) {
  const db = await database();
  const [user] = await db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return user;
}
