import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import { database, type Database } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { describePrincipal } from "@/lib/auth/principal";
import { decodeCursor, encodeCursor, invalidCursor } from "@/lib/http/cursor";
import { currentRequestId } from "@/lib/log/logger";
import { parseInput } from "@/lib/validation";
import { auditQuery, type AuditEvent, type AuditQuery } from "./schema";

type Executor = Pick<Database, "insert">;

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId: string;
  workspaceId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Records a change. Called by services (inside their transaction), never by adapters. */
export async function recordAudit(tx: Executor, actor: Principal, entry: AuditEntry) {
  await tx.insert(auditEvents).values(auditRow(actor, entry));
}

/** The row that records a change, for a service that writes it within another statement. */
export function auditRow(actor: Principal, entry: AuditEntry) {
  return {
    tenantId: actor.tenantId,
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: describePrincipal(actor),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    workspaceId: entry.workspaceId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: currentRequestId() ?? null,
  } satisfies typeof auditEvents.$inferInsert;
}

function toEvent(row: typeof auditEvents.$inferSelect): AuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    workspaceId: row.workspaceId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
  };
}

export async function listAudit(principal: Principal, input: AuditQuery) {
  const query = parseInput(auditQuery, input);
  authorize(principal, "audit.read", { tenantId: principal.tenantId });
  const filters: (SQL | undefined)[] = [eq(auditEvents.tenantId, principal.tenantId)];
  if (query.action) {
    filters.push(query.action.endsWith(".") ? ilike(auditEvents.action, `${escapeLike(query.action)}%`) : eq(auditEvents.action, query.action));
  }
  if (query.actor) filters.push(or(eq(auditEvents.actorId, query.actor), ilike(auditEvents.actorName, `%${escapeLike(query.actor)}%`)));
  if (query.targetType) filters.push(eq(auditEvents.targetType, query.targetType));
  if (query.targetId) filters.push(eq(auditEvents.targetId, query.targetId));
  if (query.workspaceId) filters.push(eq(auditEvents.workspaceId, query.workspaceId));
  if (query.since) filters.push(gte(auditEvents.at, new Date(query.since)));
  if (query.until) filters.push(lte(auditEvents.at, new Date(query.until)));
  if (query.cursor) filters.push(lt(auditEvents.id, cursorId(query.cursor)));
  const db = await database();
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...filters))
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map(toEvent);
  return { items: page, nextCursor: rows.length > query.limit ? encodeCursor(String(page[page.length - 1].id)) : null };
}

/** The id a cursor of this list holds: events older than it come next. */
function cursorId(cursor: string) {
  const id = decodeCursor(cursor);
  if (!/^[1-9][0-9]{0,15}$/.test(id) || !Number.isSafeInteger(Number(id))) throw invalidCursor();
  return Number(id);
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
