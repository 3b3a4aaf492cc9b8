import { commit } from "@/lib/storage/access-manager";

export const POST = commit.handle;
