import { eq } from "drizzle-orm";
import type { Tx } from "@/lib/engine/local/transitions";
import { userCloudRoles } from "@/db/schema";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { enqueueTask } from "@/lib/tasks/enqueue";
import { userRoleName } from "./cloud-names";
import type { Person } from "./references";
import { TASK } from "./task-kinds";

/** A user's own IAM role, made the first time they need one (their first bucket grant). */
export async function ensureUserCloudRole(tx: Tx, p: Principal, user: Person) {
  const [existing] = await tx.select().from(userCloudRoles).where(eq(userCloudRoles.userId, user.id));
  if (existing) return existing;
  const [row] = await tx
    .insert(userCloudRoles)
    .values({ userId: user.id, tenantId: p.tenantId, iamRoleName: userRoleName(p.tenantSlug, user) })
    .onConflictDoNothing()
    .returning();
  if (!row) return (await tx.select().from(userCloudRoles).where(eq(userCloudRoles.userId, user.id)))[0];
  await enqueueTask(tx, { tenantId: p.tenantId, kind: TASK.createUserRole, targetType: "user", targetId: user.id, createdBy: describePrincipal(p) });
  return row;
}
