import { deleteProvider, getProvider, updateProvider } from "@/lib/connections/endpoints";

export const GET = getProvider.handle;
export const PATCH = updateProvider.handle;
export const DELETE = deleteProvider.handle;
