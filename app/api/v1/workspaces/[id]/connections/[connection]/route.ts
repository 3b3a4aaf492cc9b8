import { deleteConnection, getConnection } from "@/lib/connections/endpoints";

export const GET = getConnection.handle;
export const DELETE = deleteConnection.handle;
