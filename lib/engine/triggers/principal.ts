import { adminRole } from "@/lib/access/policy";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";

export type TriggerKind = "schedule" | "webhook" | "event";

/**
 * Who starts a triggered run: the trigger itself, a system principal of its tenant ("schedule
 * nightly"), recorded as the run's starter and in the audit log. It acts only where its trigger
 * points — one workflow of one workspace — and keeps doing so whatever became of the person who set
 * it up, as a CronWorkflow does in Argo; deleting or pausing the trigger is how it stops.
 */
export function triggerPrincipal(tenant: { id: string; slug: string }, kind: TriggerKind, trigger: { id: string; name: string }): Principal {
  return {
    kind: "system",
    id: trigger.id,
    subject: `${kind}:${trigger.id}`,
    name: `${kind} ${trigger.name}`,
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    roles: [adminRole()],
    groups: [],
    scopes: [ALL_SCOPES_MARKER],
  };
}
