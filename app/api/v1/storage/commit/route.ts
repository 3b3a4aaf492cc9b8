import { commit } from "@/lib/storage/endpoints";

export const POST = commit.handle;
