import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { clients, users, workspaceMembers, workspaces } from "@/db/schema";
import { authorize, workspaceAccess, workspaceVisible } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import type { Principal } from "@/lib/auth/principal";
import { AppError, conflict, invalid, notFound } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/http/cursor";
import { parseInput } from "@/lib/validation";
import type { EngineName } from "@/lib/engine/argo/config";
import { clusterConfigured } from "@/lib/engine/argo/kube";
import { workspaceWritten } from "@/lib/engine/argo/workspaces";
import { assertActive, enterWorkspace, loadWorkspace, type GuardedWorkspace } from "./guard";
import { workspaceQueries } from "./queries";
import {
  addMemberInput,
  changeMemberInput,
  createWorkspaceInput,
  listWorkspacesQuery,
  updateWorkspaceInput,
  type Member,
  type Workspace,
} from "./schema";

/** The workspace as the caller may see it: name and description only without access. */
export function presentWorkspace(p: Principal, ws: GuardedWorkspace): Workspace {
  const access = workspaceAccess(p, ws);
  if (access === "none") return { id: ws.id, name: ws.name, description: ws.description, access };
  return {
    id: ws.id,
    name: ws.name,
    description: ws.description,
    accessRules: ws.accessRules,
    hidden: ws.hidden,
    archived: ws.archivedAt !== null,
    access,
    version: ws.version,
    maxConcurrentRuns: ws.maxConcurrentRuns,
    runVisibility: ws.runVisibility,
    allowedStepKinds: (ws.allowedStepKinds as Workspace["allowedStepKinds"]) ?? null,
    engine: ws.engine ?? null,
    createdAt: ws.createdAt.toISOString(),
    updatedAt: ws.updatedAt.toISOString(),
  };
}

function snapshot(ws: typeof workspaces.$inferSelect) {
  return {
    name: ws.name,
    description: ws.description,
    accessRules: ws.accessRules,
    hidden: ws.hidden,
    archived: ws.archivedAt !== null,
    maxConcurrentRuns: ws.maxConcurrentRuns,
    runVisibility: ws.runVisibility,
    allowedStepKinds: ws.allowedStepKinds,
    engine: ws.engine,
  };
}

export async function listWorkspaces(p: Principal, input: z.input<typeof listWorkspacesQuery>) {
  const query = parseInput(listWorkspacesQuery, input);
  authorize(p, "workspace.list", { tenantId: p.tenantId });
  const { page } = await workspaceQueries();
  const like = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const visible: Workspace[] = [];
  let after = query.cursor ? decodeCursor(query.cursor) : null;
  // Hidden workspaces are filtered by the policy, so read in batches until one more than a page is seen.
  while (visible.length <= query.limit) {
    const batch = await page.execute({ tenantId: p.tenantId, kind: p.kind, principalId: p.id, archived: query.archived, like, after, limit: query.limit + 1 });
    for (const row of batch) {
      const ws = { ...row.ws, memberRole: row.memberRole ?? null };
      if (workspaceVisible(p, ws)) visible.push(presentWorkspace(p, ws));
    }
    if (batch.length <= query.limit) break;
    after = batch[batch.length - 1].ws.name;
  }
  const items = visible.slice(0, query.limit);
  return { items, nextCursor: visible.length > query.limit ? encodeCursor(items[items.length - 1].name) : null };
}

/** A visible workspace: full for those who may enter, name and description for others; hidden ones 404. */
export async function getWorkspace(p: Principal, input: { id: string }): Promise<Workspace> {
  const ws = await loadWorkspace(p, input.id);
  if (!workspaceVisible(p, ws)) throw notFound("workspace");
  return presentWorkspace(p, ws);
}

async function nameTaken<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
    if (cause?.code === "23505") throw conflict("name_taken", "A workspace with this name already exists.", { errors: [{ path: "name", message: "already taken" }] });
    throw error;
  }
}

/** Which step kinds and which engine a workspace uses are the tenant's decision (Frinx's allowed system tasks); argo needs a cluster. */
function checkGoverned(p: Principal, changes: { allowedStepKinds?: unknown; engine?: EngineName | null }) {
  if (changes.allowedStepKinds !== undefined || changes.engine !== undefined) authorize(p, "workspace.govern", { tenantId: p.tenantId });
  if (changes.engine === "argo" && !clusterConfigured()) {
    throw invalid([{ path: "engine", message: "No Kubernetes cluster is configured (a kubeconfig or a service account), so the argo engine is not available here." }]);
  }
}

export async function createWorkspace(p: Principal, input: z.input<typeof createWorkspaceInput>): Promise<Workspace> {
  const data = parseInput(createWorkspaceInput, input);
  authorize(p, "workspace.create", { tenantId: p.tenantId });
  const db = await database();
  const row = await nameTaken(() =>
    db.transaction(async (tx) => {
      const [inserted] = await tx.insert(workspaces).values({ tenantId: p.tenantId, ...data }).returning();
      // on the argo engine: its namespace and Flowify ConfigMap (a cluster that refuses undoes the creation)
      const created = await workspaceWritten(tx, null, inserted, p.tenantSlug);
      if (p.kind === "user") {
        await tx.insert(workspaceMembers).values({ workspaceId: created.id, tenantId: p.tenantId, principalKind: "user", principalId: p.id, role: "admin" });
      }
      await recordAudit(tx, p, { action: "workspace.create", targetType: "workspace", targetId: created.id, workspaceId: created.id, after: snapshot(created) });
      return created;
    }),
  );
  return presentWorkspace(p, { ...row, memberRole: p.kind === "user" ? "admin" : null });
}

const updateInput = updateWorkspaceInput.extend({ id: z.string(), expectedVersion: z.number().int().optional() });

function checkVersion(ws: GuardedWorkspace, expected: number | undefined) {
  if (expected !== undefined && expected !== ws.version) {
    throw new AppError(412, "precondition_failed", "The workspace changed since you read it; reload and try again.", { currentVersion: ws.version });
  }
}

export async function updateWorkspace(p: Principal, input: z.input<typeof updateInput>): Promise<Workspace> {
  const { id, expectedVersion, ...changes } = parseInput(updateInput, input);
  const ws = await enterWorkspace(p, id, "workspace.update");
  checkGoverned(p, changes);
  assertActive(ws);
  checkVersion(ws, expectedVersion);
  const db = await database();
  const updated = await nameTaken(() =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(workspaces)
        .set({ ...changes, version: sql`${workspaces.version} + 1`, updatedAt: new Date() })
        .where(and(eq(workspaces.id, ws.id), eq(workspaces.version, ws.version)))
        .returning();
      if (!row) throw new AppError(412, "precondition_failed", "The workspace changed since you read it; reload and try again.");
      await recordAudit(tx, p, { action: "workspace.update", targetType: "workspace", targetId: ws.id, workspaceId: ws.id, before: snapshot(ws), after: snapshot(row) });
      return workspaceWritten(tx, ws, row, p.tenantSlug);
    }),
  );
  return presentWorkspace(p, { ...updated, memberRole: ws.memberRole });
}

export async function archiveWorkspace(p: Principal, input: { id: string; expectedVersion?: number }): Promise<Workspace> {
  const ws = await enterWorkspace(p, input.id, "workspace.archive");
  checkVersion(ws, input.expectedVersion);
  if (ws.archivedAt) return presentWorkspace(p, ws);
  const db = await database();
  const archived = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(workspaces)
      .set({ archivedAt: new Date(), version: sql`${workspaces.version} + 1`, updatedAt: new Date() })
      .where(eq(workspaces.id, ws.id))
      .returning();
    await recordAudit(tx, p, { action: "workspace.archive", targetType: "workspace", targetId: ws.id, workspaceId: ws.id, before: snapshot(ws), after: snapshot(row) });
    return row;
  });
  return presentWorkspace(p, { ...archived, memberRole: ws.memberRole });
}

export async function listMembers(p: Principal, input: { workspaceId: string }): Promise<{ items: Member[] }> {
  const ws = await enterWorkspace(p, input.workspaceId, "member.read");
  const db = await database();
  const rows = await db
    .select({
      kind: workspaceMembers.principalKind,
      id: workspaceMembers.principalId,
      role: workspaceMembers.role,
      addedAt: workspaceMembers.createdAt,
      userEmail: users.email,
      userName: users.name,
      clientId: clients.clientId,
      clientName: clients.name,
    })
    .from(workspaceMembers)
    .leftJoin(users, and(eq(workspaceMembers.principalKind, "user"), eq(users.id, workspaceMembers.principalId)))
    .leftJoin(clients, and(eq(workspaceMembers.principalKind, "client"), eq(clients.id, workspaceMembers.principalId)))
    .where(eq(workspaceMembers.workspaceId, ws.id))
    .orderBy(asc(workspaceMembers.createdAt));
  return {
    items: rows.map((r) => ({
      kind: r.kind as Member["kind"],
      id: r.id,
      role: r.role,
      addedAt: r.addedAt.toISOString(),
      subject: (r.kind === "user" ? r.userEmail : r.clientId) ?? "",
      name: (r.kind === "user" ? r.userName || r.userEmail : r.clientName) ?? "",
    })),
  };
}

async function findMemberPrincipal(p: Principal, input: { email?: string; clientId?: string }) {
  const db = await database();
  if (input.email) {
    // A local account and external identities may share an e-mail: the local account is meant;
    // among external identities only, the e-mail must name exactly one.
    const matches = await db
      .select()
      .from(users)
      .where(and(eq(users.tenantId, p.tenantId), eq(users.email, input.email.toLowerCase())))
      .orderBy(sql`${users.passwordHash} is null`, asc(users.createdAt))
      .limit(2);
    const [user, other] = matches;
    if (!user) throw new AppError(404, "user_not_found", "No user with this e-mail exists in your tenant.", { errors: [{ path: "email", message: "no such user" }] });
    if (other && !user.passwordHash) {
      throw conflict("ambiguous_email", "Several people from identity providers share this e-mail; add them by role rules instead.", { errors: [{ path: "email", message: "shared by several external identities" }] });
    }
    return { kind: "user" as const, id: user.id, subject: user.email, name: user.name || user.email };
  }
  const [client] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.tenantId, p.tenantId), eq(clients.clientId, input.clientId!), isNull(clients.revokedAt)))
    .limit(1);
  if (!client) throw new AppError(404, "client_not_found", "No active client with this client_id exists in your tenant.", { errors: [{ path: "clientId", message: "no such client" }] });
  return { kind: "client" as const, id: client.id, subject: client.clientId, name: client.name };
}

const addInput = z.object({ workspaceId: z.string() }).and(addMemberInput);

export async function addMember(p: Principal, input: z.input<typeof addInput>): Promise<Member> {
  const data = parseInput(addInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "member.manage");
  assertActive(ws);
  const target = await findMemberPrincipal(p, data);
  const db = await database();
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(workspaceMembers)
      .values({ workspaceId: ws.id, tenantId: p.tenantId, principalKind: target.kind, principalId: target.id, role: data.role })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) throw conflict("already_member", `${target.subject} is already a member; change their role instead.`);
    await recordAudit(tx, p, { action: "member.add", targetType: "member", targetId: `${target.kind}:${target.id}`, workspaceId: ws.id, after: { subject: target.subject, role: data.role } });
    return { ...target, role: data.role, addedAt: inserted[0].createdAt.toISOString() };
  });
}

const memberRef = z.object({ workspaceId: z.string(), kind: z.enum(["user", "client"]), memberId: z.string() });

async function existingMember(p: Principal, ref: z.infer<typeof memberRef>, action: "member.manage") {
  const ws = await enterWorkspace(p, ref.workspaceId, action);
  assertActive(ws);
  const db = await database();
  const [row] = z.uuid().safeParse(ref.memberId).success
    ? await db
        .select()
        .from(workspaceMembers)
        .where(and(eq(workspaceMembers.workspaceId, ws.id), eq(workspaceMembers.principalKind, ref.kind), eq(workspaceMembers.principalId, ref.memberId)))
    : [];
  if (!row) throw notFound("member");
  return { ws, row };
}

async function assertAdminRemains(wsId: string, change: { kind: string; id: string }) {
  const db = await database();
  const admins = await db
    .select({ kind: workspaceMembers.principalKind, id: workspaceMembers.principalId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, wsId), eq(workspaceMembers.role, "admin")));
  if (admins.every((a) => a.kind === change.kind && a.id === change.id)) {
    throw conflict("last_admin", "A workspace keeps at least one admin member; make someone else admin first.");
  }
}

export async function changeMemberRole(p: Principal, input: z.input<typeof memberRef> & z.input<typeof changeMemberInput>): Promise<Member> {
  const ref = parseInput(memberRef, input);
  const { role } = parseInput(changeMemberInput, { role: input.role });
  const { ws, row } = await existingMember(p, ref, "member.manage");
  if (row.role === "admin" && role !== "admin") await assertAdminRemains(ws.id, { kind: row.principalKind, id: row.principalId });
  const db = await database();
  await db.transaction(async (tx) => {
    await tx
      .update(workspaceMembers)
      .set({ role })
      .where(and(eq(workspaceMembers.workspaceId, ws.id), eq(workspaceMembers.principalKind, row.principalKind), eq(workspaceMembers.principalId, row.principalId)));
    await recordAudit(tx, p, { action: "member.update", targetType: "member", targetId: `${row.principalKind}:${row.principalId}`, workspaceId: ws.id, before: { role: row.role }, after: { role } });
  });
  const { items } = await listMembers(p, { workspaceId: ws.id });
  return items.find((m) => m.kind === row.principalKind && m.id === row.principalId)!;
}

export async function removeMember(p: Principal, input: z.input<typeof memberRef>): Promise<void> {
  const ref = parseInput(memberRef, input);
  const { ws, row } = await existingMember(p, ref, "member.manage");
  if (row.role === "admin") await assertAdminRemains(ws.id, { kind: row.principalKind, id: row.principalId });
  const db = await database();
  await db.transaction(async (tx) => {
    await tx
      .delete(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, ws.id), eq(workspaceMembers.principalKind, row.principalKind), eq(workspaceMembers.principalId, row.principalId)));
    await recordAudit(tx, p, { action: "member.remove", targetType: "member", targetId: `${row.principalKind}:${row.principalId}`, workspaceId: ws.id, before: { role: row.role } });
  });
}
