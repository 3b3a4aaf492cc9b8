import { database } from "@/db/client";
import { auditEvents } from "@/db/schema";
import type { Action } from "@/lib/access/actions";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { currentRequestId, log } from "@/lib/log/logger";

const isWrite = (action: Action) => !action.endsWith(".read") && !action.endsWith(".list");

/**
 * Records a write the policy refused. It runs beside the request (the refusal is answered at once),
 * in its own statement: a refused write has no transaction to join.
 */
export function recordDenied(p: Principal, action: Action, target: { tenantId: string; id?: string }, status: 403 | 404, what: string) {
  if (!isWrite(action)) return;
  const requestId = currentRequestId() ?? null;
  void database()
    .then((db) =>
      db.insert(auditEvents).values({
        tenantId: p.tenantId,
        actorKind: p.kind,
        actorId: p.id,
        actorName: describePrincipal(p),
        action: "access.denied",
        targetType: what,
        targetId: target.id ?? target.tenantId,
        workspaceId: what === "workspace" && target.id && target.tenantId === p.tenantId ? target.id : null,
        after: { action, status },
        requestId,
      }),
    )
    .catch((error) => log().error({ err: error }, "could not record a refused write"));
}
