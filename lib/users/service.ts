import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { users } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { hashPassword } from "@/lib/auth/password";
import type { Principal } from "@/lib/auth/principal";
import { conflict } from "@/lib/errors";
import { parseInput } from "@/lib/validation";

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

export async function findUser(tenantId: string, id: string) {
  const db = await database();
  const [user] = await db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return user;
}
