"use server";

import { serverAction } from "@/lib/actions/action";
import * as clients from "@/lib/clients/service";

export const createClientAction = serverAction(clients.createClient, { revalidate: "/clients" });
export const revokeClientAction = serverAction(clients.revokeClient, { revalidate: "/clients" });
export const rotateClientSecretAction = serverAction(clients.rotateClientSecret, { revalidate: "/clients" });
