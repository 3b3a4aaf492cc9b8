import { getClient, revokeClient } from "@/lib/clients/endpoints";

export const GET = getClient.handle;
export const DELETE = revokeClient.handle;
