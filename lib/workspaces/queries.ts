import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { preparedQueries } from "@/db/prepared";
import { workspaceMembers, workspaces } from "@/db/schema";

/**
 * The hot reads of workspaces with the caller's membership, prepared once per database: listing
 * workspaces is the API's busiest call (measured in `npm run bench:api`).
 */
/** Joins the caller's membership (placeholders `kind`, `principalId`) to a read of workspaces. */
export const withMembership = and(
  eq(workspaceMembers.workspaceId, workspaces.id),
  eq(workspaceMembers.principalKind, sql.placeholder("kind")),
  eq(workspaceMembers.principalId, sql.placeholder("principalId")),
);

/** The one workspace of the caller's tenant (placeholders `id`, `tenantId`). */
export const oneWorkspace = and(eq(workspaces.id, sql.placeholder("id")), eq(workspaces.tenantId, sql.placeholder("tenantId")));

function prepare(db: Database) {
  const columns = { ws: workspaces, memberRole: workspaceMembers.role };
  return {
    page: db
      .select(columns)
      .from(workspaces)
      .leftJoin(workspaceMembers, withMembership)
      .where(
        and(
          eq(workspaces.tenantId, sql.placeholder("tenantId")),
          sql`(${sql.placeholder("archived")}::text = 'include' or (${workspaces.archivedAt} is not null) = (${sql.placeholder("archived")}::text = 'only'))`,
          sql`(${sql.placeholder("like")}::text is null or ${workspaces.name} ilike ${sql.placeholder("like")}::text)`,
          sql`(${sql.placeholder("after")}::text is null or ${workspaces.name} > ${sql.placeholder("after")}::text)`,
        ),
      )
      .orderBy(asc(workspaces.name))
      .limit(sql.placeholder("limit"))
      .prepare("workspaces_page"),
    one: db
      .select(columns)
      .from(workspaces)
      .leftJoin(workspaceMembers, withMembership)
      .where(oneWorkspace)
      .limit(1)
      .prepare("workspace_one"),
  };
}

export const workspaceQueries = preparedQueries(prepare);
