import { changeMember, removeMember } from "@/lib/workspaces/endpoints";

export const PATCH = changeMember.handle;
export const DELETE = removeMember.handle;
