import { addMember, listMembers } from "@/lib/workspaces/endpoints";

export const GET = listMembers.handle;
export const POST = addMember.handle;
