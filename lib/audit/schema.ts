import { z } from "zod";

export const auditEvent = z.object({
  id: z.number().int(),
  at: z.string().datetime(),
  actor: z.object({ kind: z.string(), id: z.string(), name: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  workspaceId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEvent>;

export const auditQuery = z.strictObject({
  action: z.string().max(100).optional().describe("exact action, or a prefix ending in '.' such as 'workspace.'"),
  actor: z.string().max(200).optional().describe("actor id or a part of the actor's name"),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(200).optional(),
  workspaceId: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.input<typeof auditQuery>;

export const auditPage = z.object({ items: z.array(auditEvent), nextCursor: z.string().nullable() });
