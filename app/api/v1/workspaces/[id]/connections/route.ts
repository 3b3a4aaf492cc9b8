import { listConnections, startConnection } from "@/lib/connections/endpoints";

export const GET = listConnections.handle;
export const POST = startConnection.handle;
