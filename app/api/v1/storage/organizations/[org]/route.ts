import { deleteOrganization, getOrganization, updateOrganization } from "@/lib/storage/endpoints";

export const GET = getOrganization.handle;
export const PATCH = updateOrganization.handle;
export const DELETE = deleteOrganization.handle;
