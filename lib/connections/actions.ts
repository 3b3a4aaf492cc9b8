"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import * as providers from "./providers";
import type { createProviderInput, startConnectionBody, updateProviderInput } from "./schema";
import * as connections from "./service";

/** The Connections and OAuth providers pages' server actions: the same service functions as the REST API. */
export const createProviderAction = serverAction((principal, input: z.input<typeof createProviderInput>) => providers.createProvider(principal, input));
export const updateProviderAction = serverAction((principal, input: z.input<typeof updateProviderInput> & { id: string }) => providers.updateProvider(principal, input));
export const deleteProviderAction = serverAction((principal, input: { id: string }) => providers.deleteProvider(principal, input));
export const startConnectionAction = serverAction((principal, input: { workspaceId: string } & z.input<typeof startConnectionBody>) => connections.startConnection(principal, input));
export const deleteConnectionAction = serverAction((principal, input: { workspaceId: string; name: string }) => connections.deleteConnection(principal, input));
