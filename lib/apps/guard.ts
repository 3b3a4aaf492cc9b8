import { and, eq, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import { appAdmins, apps } from "@/db/schema";
import type { Action } from "@/lib/access/actions";
import { authorize, type AppGuard } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { notFound } from "@/lib/errors";
import { isUuid } from "@/lib/validation";

export type AppRow = typeof apps.$inferSelect;
export type GuardedApp = AppRow & AppGuard;

/** An app of the caller's tenant that is not deleted, with whether the caller is one of its admins; 404 otherwise. */
export async function loadApp(p: Principal, id: string): Promise<GuardedApp> {
  if (!isUuid(id)) throw notFound("app");
  const db = await database();
  const [row] = await db
    .select({ app: apps, admin: appAdmins.userId })
    .from(apps)
    .leftJoin(appAdmins, and(eq(appAdmins.appId, apps.id), eq(appAdmins.userId, p.kind === "user" ? p.id : "00000000-0000-0000-0000-000000000000")))
    .where(and(eq(apps.tenantId, p.tenantId), eq(apps.id, id), isNull(apps.deletedAt)));
  if (!row) throw notFound("app");
  return { ...row.app, appAdmin: row.admin !== null };
}

export async function enterApp(p: Principal, id: string, action: Action): Promise<GuardedApp> {
  const app = await loadApp(p, id);
  authorize(p, action, app, "app");
  return app;
}
