import { eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { connection } from "next/server";
import { database } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { authOptions } from "./next-auth";
import { ALL_SCOPES_MARKER, type Principal } from "./principal";

/** The signed-in person, from the session cookie; undefined when nobody is signed in. */
export async function sessionPrincipal(): Promise<Principal | undefined> {
  await connection(); // request-time only: never touch the database while `next build` prerenders
  const session = (await getServerSession(await authOptions())) as { uid?: string; tid?: string } | null;
  if (!session?.uid || !session.tid) return undefined;
  const db = await database();
  const [row] = await db.select({ user: users, slug: tenants.slug }).from(users).innerJoin(tenants, eq(tenants.id, users.tenantId)).where(eq(users.id, session.uid));
  if (!row || row.user.tenantId !== session.tid) return undefined;
  return {
    kind: "user",
    id: row.user.id,
    subject: row.user.email,
    name: row.user.name || row.user.email,
    tenantId: row.user.tenantId,
    tenantSlug: row.slug,
    roles: row.user.roles,
    groups: row.user.groups,
    scopes: [ALL_SCOPES_MARKER],
  };
}
