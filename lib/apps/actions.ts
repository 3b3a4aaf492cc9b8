"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import * as grants from "@/lib/buckets/grants";
import type { appGrantInput } from "@/lib/buckets/schema";
import * as parameters from "./parameters";
import type { createAppInput, putParameterInput, updateAppInput } from "./schema";
import * as apps from "./service";

/** The Apps pages' server actions: the same service functions as the REST API. */
type AppRef = { appId: string };

export const createAppAction = serverAction((principal, input: z.input<typeof createAppInput>) => apps.createApp(principal, input), { revalidate: "/apps" });
export const updateAppAction = serverAction((principal, input: { id: string } & z.input<typeof updateAppInput>) => apps.updateApp(principal, input), { revalidate: "/apps" });
export const deleteAppAction = serverAction((principal, input: { id: string }) => apps.deleteApp(principal, input), { revalidate: "/apps" });
export const grantToAppAction = serverAction((principal, input: AppRef & z.input<typeof appGrantInput>) => grants.grantToApp(principal, input), { revalidate: "/apps" });
export const putParameterAction = serverAction((principal, input: AppRef & z.input<typeof putParameterInput>) => parameters.putParameter(principal, input), { revalidate: "/apps" });
export const deleteParameterAction = serverAction((principal, input: AppRef & { name: string }) => parameters.deleteParameter(principal, input), { revalidate: "/apps" });
