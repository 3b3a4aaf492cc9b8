import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { eventTriggers, workflows } from "@/db/schema";
import { can } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { createEventTrigger, deleteEventTrigger, updateEventTrigger } from "@/lib/engine/triggers/events";
import { invalid, notFound } from "@/lib/errors";
import { listWorkflows } from "@/lib/workflows/service";
import { loadWorkspace } from "@/lib/workspaces/guard";
import { COMMIT_EVENT } from "./commit";
import { getSpace } from "./spaces";

/**
 * A space's bound workflows: event triggers on `storage.commit` whose filter names the space's
 * organization and name, in the space's workspace. They are the triggers of the workflows (the
 * Triggers tab and its REST API show and change them too); this is the space's view of them.
 */
export type SpaceBinding = { id: string; workflow: string; inputs: Record<string, string>; enabled: boolean; createdBy: string; canManage: boolean };
type SpaceRef = { org: string; space: string };

/** The space (which the caller must see) and its workspace, where its bindings live. */
async function bindingPlace(p: Principal, ref: SpaceRef) {
  const space = await getSpace(p, ref);
  const ws = space.workspaceId ? await loadWorkspace(p, space.workspaceId) : undefined;
  return { space, ws, filter: { organization: space.organization, space: space.name } };
}

type Place = Awaited<ReturnType<typeof bindingPlace>>;

export const listBindings = async (p: Principal, ref: SpaceRef) => bindingsAt(p, await bindingPlace(p, ref));

/** The space page's view: its bindings, whether the caller may change them, and the workflows it could bind. */
export async function bindingsView(p: Principal, ref: SpaceRef) {
  const place = await bindingPlace(p, ref);
  const canManage = Boolean(place.ws && can(p, "trigger.manage", place.ws));
  const workflows = canManage && place.ws ? (await listWorkflows(p, { workspaceId: place.ws.id, limit: 100 })).items.map((w) => w.name) : [];
  return { bindings: await bindingsAt(p, place), canManage, workflows };
}

async function bindingsAt(p: Principal, { ws, filter }: Place): Promise<SpaceBinding[]> {
  if (!ws || !can(p, "run.read", ws)) return [];
  const db = await database();
  const rows = await db
    .select({ trigger: eventTriggers, workflow: workflows.name })
    .from(eventTriggers)
    .innerJoin(workflows, and(eq(workflows.id, eventTriggers.workflowId), isNull(workflows.deletedAt)))
    .where(and(eq(eventTriggers.workspaceId, ws.id), eq(eventTriggers.eventType, COMMIT_EVENT), sql`${eventTriggers.filter} @> ${JSON.stringify(filter)}::jsonb`))
    .orderBy(asc(workflows.name), asc(eventTriggers.createdAt));
  const canManage = can(p, "trigger.manage", ws);
  return rows.map(({ trigger, workflow }) => ({ id: trigger.id, workflow, inputs: trigger.inputs, enabled: trigger.enabled, createdBy: trigger.createdBy, canManage }));
}

/** Binds a workflow of the space's workspace: each commit to the space starts it, payload fields mapped to its inputs. */
export async function bindWorkflow(p: Principal, input: SpaceRef & { workflow: string; inputs: Record<string, string> }) {
  const { ws, filter } = await bindingPlace(p, input);
  if (!ws) throw invalid([{ path: "workflow", message: "the space belongs to no workspace; give it one first" }]);
  return createEventTrigger(p, { workspaceId: ws.id, workflow: input.workflow, eventType: COMMIT_EVENT, filter, inputs: input.inputs });
}

async function bindingOf(p: Principal, ref: SpaceRef & { bindingId: string }) {
  const place = await bindingPlace(p, ref);
  const binding = (await bindingsAt(p, place)).find((b) => b.id === ref.bindingId);
  if (!binding || !place.ws) throw notFound("binding");
  return { workspaceId: place.ws.id, workflow: binding.workflow, triggerId: binding.id };
}

export async function setBindingEnabled(p: Principal, input: SpaceRef & { bindingId: string; enabled: boolean }) {
  return updateEventTrigger(p, { ...(await bindingOf(p, input)), enabled: input.enabled });
}

export async function unbindWorkflow(p: Principal, input: SpaceRef & { bindingId: string }) {
  await deleteEventTrigger(p, await bindingOf(p, input));
}
