import { createClient, listClients } from "@/lib/clients/endpoints";

export const GET = listClients.handle;
export const POST = createClient.handle;
