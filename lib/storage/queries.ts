import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { database, type Database } from "@/db/client";
import { storageOrganizations, storageSpaces, workspaceMembers, workspaces } from "@/db/schema";

/**
 * The reads every SAS issuance and commit makes (an organization by name, its spaces with the
 * caller's standing in their workspaces), prepared once per database: building and planning them
 * each time cost more than running them.
 */
function prepare(db: Database) {
  return {
    organization: db
      .select()
      .from(storageOrganizations)
      .where(and(eq(storageOrganizations.tenantId, sql.placeholder("tenantId")), eq(storageOrganizations.name, sql.placeholder("name")), isNull(storageOrganizations.deletedAt)))
      .prepare("storage_organization"),
    spaces: db
      .select({ space: storageSpaces, ws: workspaces, memberRole: workspaceMembers.role })
      .from(storageSpaces)
      .leftJoin(workspaces, eq(workspaces.id, storageSpaces.workspaceId))
      .leftJoin(
        workspaceMembers,
        and(eq(workspaceMembers.workspaceId, workspaces.id), eq(workspaceMembers.principalKind, sql.placeholder("kind")), eq(workspaceMembers.principalId, sql.placeholder("principalId"))),
      )
      .where(and(eq(storageSpaces.organizationId, sql.placeholder("organizationId")), isNull(storageSpaces.deletedAt)))
      .orderBy(asc(storageSpaces.name))
      .prepare("storage_spaces"),
  };
}

const prepared = new WeakMap<Database, ReturnType<typeof prepare>>();

export async function storageQueries() {
  const db = await database();
  let queries = prepared.get(db);
  if (!queries) prepared.set(db, (queries = prepare(db)));
  return queries;
}
