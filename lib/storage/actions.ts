"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import * as bindings from "./bindings";
import { commitUpload } from "./commit";
import * as organizations from "./organizations";
import { issueSas } from "./sas";
import type { commitQuery, createOrganizationBody, createSpaceBody, SasKind, targetQuery, updateOrganizationBody, updateSpaceBody } from "./schema";
import * as spaces from "./spaces";

/** The storage pages' server actions: the same service functions as /api/v1/storage. */
type OrgRef = { org: string };
type SpaceRef = OrgRef & { space: string };
const revalidate = "/storage";

export const createOrganizationAction = serverAction((p, input: z.input<typeof createOrganizationBody>) => organizations.createOrganization(p, input), { revalidate });
export const updateOrganizationAction = serverAction((p, input: OrgRef & z.input<typeof updateOrganizationBody>) => organizations.updateOrganization(p, input), { revalidate });
export const deleteOrganizationAction = serverAction((p, input: OrgRef) => organizations.deleteOrganization(p, input), { revalidate });

export const createSpaceAction = serverAction((p, input: OrgRef & z.input<typeof createSpaceBody>) => spaces.createSpace(p, input), { revalidate });
export const updateSpaceAction = serverAction((p, input: SpaceRef & z.input<typeof updateSpaceBody>) => spaces.updateSpace(p, input), { revalidate });
export const deleteSpaceAction = serverAction((p, input: SpaceRef) => spaces.deleteSpace(p, input), { revalidate });

export const issueSasAction = serverAction((p, input: { kind: SasKind } & z.input<typeof targetQuery>) => issueSas(p, input.kind, { organization: input.organization, space: input.space }));
export const commitAction = serverAction((p, input: z.input<typeof commitQuery>) => commitUpload(p, input), { revalidate });

export const bindWorkflowAction = serverAction((p, input: SpaceRef & { workflow: string; inputs: Record<string, string> }) => bindings.bindWorkflow(p, input), { revalidate });
export const setBindingEnabledAction = serverAction((p, input: SpaceRef & { bindingId: string; enabled: boolean }) => bindings.setBindingEnabled(p, input), { revalidate });
export const unbindWorkflowAction = serverAction((p, input: SpaceRef & { bindingId: string }) => bindings.unbindWorkflow(p, input), { revalidate });
