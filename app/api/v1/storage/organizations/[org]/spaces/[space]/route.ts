import { deleteSpace, getSpace, updateSpace } from "@/lib/storage/endpoints";

export const GET = getSpace.handle;
export const PATCH = updateSpace.handle;
export const DELETE = deleteSpace.handle;
